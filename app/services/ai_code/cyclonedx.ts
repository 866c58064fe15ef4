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

export function cycloneDxBom(composition: RepositoryComposition, scope: BomScope) {
  const { totals } = composition
  const rootRef = `repository:${composition.repository.publicId}`
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
  const body = {
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
      ...composition.files.map(fileComponent),
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
    dependencies: [
      {
        ref: rootRef,
        dependsOn: composition.files.map((file) => `file:${file.path}`),
      },
    ],
  }
  return { serialNumber: serialNumber(body), ...body }
}

function fileComponent(file: FileComposition) {
  const properties: Property[] = [
    ...lineProperties(file),
    ...file.sources.map((source) => ({ name: 'sextant:genai:source', value: source })),
    ...file.agents.map((agent) => ({ name: 'sextant:genai:agent', value: agent })),
  ]
  if (file.language) properties.push({ name: 'sextant:genai:language', value: file.language })
  return { 'type': 'file', 'bom-ref': `file:${file.path}`, 'name': file.path, properties }
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

/** a name-based (version 5 style) UUID of the document's content */
function serialNumber(body: unknown) {
  const hex = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 32)
  const variant = ((Number.parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}
