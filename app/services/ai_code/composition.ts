import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { publicIds } from '#services/public_id'
import { sweepFacts } from '#services/ai_code/line_ranges'

/**
 * Where the truth about a line comes from, strongest first
 * (docs/ai_code.md): a developer's attestation, a Git AI authorship
 * note, an analyzer's label, a built-in signal (trailer).
 */
export const SOURCES = ['attestation', 'git_ai', 'analyzer', 'trailer'] as const
export type FactSource = (typeof SOURCES)[number]
export type Origin = 'ai' | 'blended' | 'human'

/** how a source is named where facts are listed: "trailer" holds every built-in signal */
export function sourceLabel(source: string) {
  return source === 'trailer' ? 'built-in signal' : source
}

export type FileComposition = {
  path: string
  language: string | null
  /** the file's SHA-256 as the latest fact carrying one names it (the analyzer's output) */
  sha256: string | null
  ai: number
  blended: number
  human: number
  /** lines where a weaker source said something else than the one that won */
  disagreements: number
  sources: string[]
  /** "agent / model" as the facts name them */
  agents: string[]
  /** the coding agents (tools) and the models, each on its own */
  tools: string[]
  models: string[]
  /** AI and blended lines by the model of the fact that won them ("" when none named) */
  modelLines: Record<string, number>
}

export type RepositoryComposition = {
  repository: { publicId: string; name: string; fullName: string | null }
  totals: { ai: number; blended: number; human: number; disagreements: number; files: number }
  agents: string[]
  tools: string[]
  models: string[]
  files: FileComposition[]
}

export type FactRow = {
  id: number | string
  source: string
  origin: string
  language: string | null
  agent: string | null
  model: string | null
  start_line: number
  end_line: number
  file_sha256?: string | null
}

/** facts read per statement while streaming a repository's files */
export const FACT_PAGE = 2000

/**
 * A repository's files with their composition, one at a time in path
 * order, fenced to the organisation. Facts are read in pages of
 * FACT_PAGE (keyset on path and id), so memory holds one page and the
 * file being composed, whatever the repository's size. `commitShas`
 * narrows it to the facts about those commits (a pull request's).
 */
export async function* fileCompositions(
  organizationId: number,
  repositoryId: number,
  options: { commitShas?: string[]; client?: QueryClientContract; pageSize?: number } = {}
): AsyncGenerator<FileComposition> {
  const client = options.client ?? db
  const pageSize = options.pageSize ?? FACT_PAGE
  let cursor: { path: string; id: number } | null = null
  let path: string | null = null
  let facts: FactRow[] = []
  while (true) {
    const after = cursor
    const page: Array<FactRow & { path: string }> = await client
      .from('ai_code_facts')
      .where('organization_id', organizationId)
      .where('repository_id', repositoryId)
      .if(options.commitShas, (query) => query.whereIn('commit_sha', options.commitShas!))
      .if(after, (query) =>
        query.where((keyset) =>
          keyset
            .where('path', '>', after!.path)
            .orWhere((same) => same.where('path', after!.path).where('id', '>', after!.id))
        )
      )
      .orderBy('path')
      .orderBy('id')
      .limit(pageSize)
      .select(
        'id',
        'path',
        'source',
        'origin',
        'language',
        'agent',
        'model',
        'start_line',
        'end_line',
        'file_sha256'
      )
    for (const fact of page) {
      if (path !== null && fact.path !== path) {
        yield composeFile(path, facts)
        facts = []
      }
      path = fact.path
      facts.push(fact)
    }
    if (page.length < pageSize) break
    const last = page[page.length - 1]
    cursor = { path: last.path, id: Number(last.id) }
  }
  if (path !== null) yield composeFile(path, facts)
}

/**
 * One file's composition from its facts (in the order written): each
 * line is what its strongest source says, among facts of one source the
 * latest written; a line some other covering fact labels otherwise is a
 * disagreement. Swept over the ranges' boundaries, so the work and memory
 * follow the facts, not the lines.
 */
export function composeFile(path: string, facts: FactRow[]): FileComposition {
  const file: FileComposition = {
    path,
    language: null,
    sha256: null,
    ai: 0,
    blended: 0,
    human: 0,
    disagreements: 0,
    sources: [],
    agents: [],
    tools: [],
    models: [],
    modelLines: {},
  }
  const sources = new Set<string>()
  const agents = new Set<string>()
  const tools = new Set<string>()
  const models = new Set<string>()
  let hashId = -1
  for (const fact of [...facts].sort((a, b) => Number(a.id) - Number(b.id))) {
    file.language = fact.language ?? file.language
    if (fact.file_sha256 && Number(fact.id) > hashId) {
      file.sha256 = fact.file_sha256
      hashId = Number(fact.id)
    }
    sources.add(fact.source)
    if (fact.agent || fact.model) agents.add([fact.agent, fact.model].filter(Boolean).join(' / '))
    if (fact.agent) tools.add(fact.agent)
    if (fact.model) models.add(fact.model)
  }
  sweepFacts(facts, ({ from, to, winner, disagreement }) => {
    const length = to - from + 1
    const origin = winner.origin as Origin
    file[origin] += length
    if (origin !== 'human') {
      const model = winner.model ?? ''
      file.modelLines[model] = (file.modelLines[model] ?? 0) + length
    }
    if (disagreement) file.disagreements += length
  })
  file.sources = [...sources].sort()
  file.agents = [...agents].sort()
  file.tools = [...tools].sort()
  file.models = [...models].sort()
  return file
}

/**
 * One repository's composition with every file in memory: for a pull
 * request's commits, the API's per-file answer and the tests. The GBOM
 * rebuild streams `fileCompositions` instead.
 */
export async function repositoryComposition(
  organizationId: number,
  repositoryId: number,
  commitShas?: string[]
): Promise<RepositoryComposition | null> {
  const repository = await db
    .from('repositories')
    .where('organization_id', organizationId)
    .where('id', repositoryId)
    .select('id', 'name', 'full_name')
    .first()
  if (!repository) return null
  const files: FileComposition[] = []
  const totals = compositionTotals()
  for await (const file of fileCompositions(organizationId, repositoryId, { commitShas })) {
    files.push(file)
    totals.add(file)
  }
  return {
    repository: {
      publicId: publicIds('repository').encode(Number(repository.id)),
      name: repository.name,
      fullName: repository.full_name ?? null,
    },
    ...totals.result(),
    files,
  }
}

/** running totals of a repository's files: lines, files, agents and models */
export function compositionTotals() {
  const totals = { ai: 0, blended: 0, human: 0, disagreements: 0, files: 0 }
  const agents = new Set<string>()
  const tools = new Set<string>()
  const models = new Set<string>()
  return {
    add(file: FileComposition) {
      totals.ai += file.ai
      totals.blended += file.blended
      totals.human += file.human
      totals.disagreements += file.disagreements
      totals.files += 1
      file.agents.forEach((agent) => agents.add(agent))
      file.tools.forEach((tool) => tools.add(tool))
      file.models.forEach((model) => models.add(model))
    },
    result() {
      return {
        totals: { ...totals },
        agents: [...agents].sort(),
        tools: [...tools].sort(),
        models: [...models].sort(),
      }
    },
  }
}

/** AI and blended lines over all attributed lines, in % (one decimal) */
export function aiSharePercent(lines: { ai: number; blended: number; human: number }) {
  const all = lines.ai + lines.blended + lines.human
  return all === 0 ? 0 : Math.round(((lines.ai + lines.blended) / all) * 1000) / 10
}
