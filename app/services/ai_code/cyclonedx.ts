import { createHash } from 'node:crypto'
import {
  aiSharePercent,
  type FileComposition,
  type RepositoryComposition,
} from '#services/ai_code/composition'

/**
 * The GBOM (GenAI bill of materials) as a CycloneDX 1.6 JSON BOM
 * (docs/ai_code.md): the repository is the root component
 * (`metadata.component`), each file with facts a `file` component, each
 * coding agent an `application` component and each model a
 * `machine-learning-model` component; the composition is in properties
 * named `sextant:genai:*`.
 *
 * The document carries no time of its own and its serial number is
 * derived from its content, so the same facts give the same document.
 */
export type BomScope =
  { kind: 'repository' } | { kind: 'pull-request'; number: number; commits: number }

type Property = { name: string; value: string }

const SPEC = '1.6'

type Head = Omit<RepositoryComposition, 'files'>

/**
 * The document without its files: the root component with the totals,
 * the agents and models, and an empty dependency list. The rebuild
 * stores it beside the files' components (table ai_code_gbom_files) and
 * `bomText` joins them; `serialNumber` is the hash of the whole content.
 */
export function bomHead(composition: Head, scope: BomScope, serial: string) {
  const { totals } = composition
  const rootRef = rootRefOf(composition)
  const rootProperties: Property[] = [
    ...lineProperties(totals),
    { name: 'sextant:genai:files', value: String(totals.files) },
    { name: 'sextant:genai:scope', value: scope.kind },
  ]
  if (scope.kind === 'pull-request') {
    rootProperties.push(
      { name: 'sextant:genai:pullRequest:number', value: String(scope.number) },
      { name: 'sextant:genai:pullRequest:commits', value: String(scope.commits) }
    )
  }
  return {
    serialNumber: serial,
    bomFormat: 'CycloneDX',
    specVersion: SPEC,
    version: 1,
    metadata: {
      tools: {
        components: [
          { type: 'application', name: 'Sextant', publisher: 'Sextant', version: '0.1.0' },
        ],
      },
      component: {
        'type': 'application',
        'bom-ref': rootRef,
        'name': composition.repository.fullName ?? composition.repository.name,
        'properties': rootProperties,
      },
    },
    components: [
      ...composition.tools.map((tool) => ({
        'type': 'application',
        'bom-ref': `agent:${tool}`,
        'name': tool,
        'properties': [{ name: 'sextant:genai:role', value: 'coding-agent' }],
      })),
      ...composition.models.map((model) => ({
        'type': 'machine-learning-model',
        'bom-ref': `model:${model}`,
        'name': model,
        'properties': [{ name: 'sextant:genai:role', value: 'code-generation-model' }],
      })),
    ],
    dependencies: [{ ref: rootRef, dependsOn: [] as string[] }],
  }
}

export type BomHead = ReturnType<typeof bomHead>

function rootRefOf(composition: Pick<Head, 'repository'>) {
  return `repository:${composition.repository.publicId}`
}

/**
 * The serial number is a name-based (version 5 style) UUID of the
 * content: each file's component in order, then the head without its
 * serial. Fed piece by piece, so the rebuild never holds the document.
 */
export function serialHasher() {
  const hash = createHash('sha256')
  return {
    add(component: string) {
      hash.update(component)
    },
    serial(composition: Head, scope: BomScope) {
      hash.update(JSON.stringify(bomHead(composition, scope, '')))
      const hex = hash.digest('hex').slice(0, 32)
      const variant = ((Number.parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)
      return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
    },
  }
}

/**
 * The document's text in pieces: the head's fields, the files'
 * components (as stored) before the agents and models, and the root's
 * dependency on each file. `files` is read twice (components, then
 * references), so a caller can stream both from the database.
 */
export async function* bomText(
  head: BomHead,
  files: () => AsyncIterable<{ path: string; component: string }>
): AsyncGenerator<string> {
  const { components, dependencies, ...rest } = head
  yield `${JSON.stringify(rest).slice(0, -1)},"components":[`
  let first = true
  for await (const file of files()) {
    yield `${first ? '' : ','}${file.component}`
    first = false
  }
  for (const component of components) {
    yield `${first ? '' : ','}${JSON.stringify(component)}`
    first = false
  }
  yield `],"dependencies":[{"ref":${JSON.stringify(dependencies[0].ref)},"dependsOn":[`
  first = true
  for await (const file of files()) {
    yield `${first ? '' : ','}${JSON.stringify(`file:${file.path}`)}`
    first = false
  }
  yield ']}]}'
}

/** A whole document in memory, for a pull request's commits (a bounded scope). */
export async function cycloneDxText(composition: RepositoryComposition, scope: BomScope) {
  const hasher = serialHasher()
  const files = composition.files.map((file) => {
    const component = JSON.stringify(fileComponent(file))
    hasher.add(component)
    return { path: file.path, component }
  })
  const head = bomHead(composition, scope, hasher.serial(composition, scope))
  let text = ''
  for await (const piece of bomText(head, async function* () {
    yield* files
  })) {
    text += piece
  }
  return text
}

export function fileComponent(file: FileComposition) {
  const properties: Property[] = [
    ...lineProperties(file),
    ...file.sources.map((source) => ({ name: 'sextant:genai:source', value: source })),
    ...file.agents.map((agent) => ({ name: 'sextant:genai:agent', value: agent })),
  ]
  if (file.language) properties.push({ name: 'sextant:genai:language', value: file.language })
  return {
    'type': 'file',
    'bom-ref': `file:${file.path}`,
    'name': file.path,
    ...(file.sha256 ? { hashes: [{ alg: 'SHA-256', content: file.sha256 }] } : {}),
    properties,
  }
}

function lineProperties(lines: {
  ai: number
  blended: number
  human: number
  disagreements: number
}): Property[] {
  return [
    { name: 'sextant:genai:lines:ai', value: String(lines.ai) },
    { name: 'sextant:genai:lines:blended', value: String(lines.blended) },
    { name: 'sextant:genai:lines:human', value: String(lines.human) },
    { name: 'sextant:genai:lines:disagreements', value: String(lines.disagreements) },
    { name: 'sextant:genai:aiSharePercent', value: String(aiSharePercent(lines)) },
  ]
}
