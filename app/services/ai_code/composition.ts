import db from '@adonisjs/lucid/services/db'
import { publicIds } from '#services/public_id'

/**
 * Where the truth about a line comes from, strongest first
 * (docs/ai_code.md): a developer's attestation, a Git AI authorship
 * note, an analyzer's label, a built-in signal (trailer).
 */
export const SOURCES = ['attestation', 'git_ai', 'analyzer', 'trailer'] as const
export type FactSource = (typeof SOURCES)[number]
export type Origin = 'ai' | 'blended' | 'human'

const RANK: Record<string, number> = { attestation: 4, git_ai: 3, analyzer: 2, trailer: 1 }

export type FileComposition = {
  path: string
  language: string | null
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

type Line = {
  rank: number
  origin: Origin
  id: number
  model: string
  others: Set<Origin>
}

/**
 * One repository's composition from its stored facts, fenced to the
 * organisation: per file, each line is what its strongest source says
 * (among facts of one source, the latest written), and every line a
 * weaker source labelled otherwise is counted as a disagreement. Files
 * are read one at a time, in path order. `commitShas` narrows it to the
 * facts about those commits (a pull request's).
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
  const paths = await db
    .from('ai_code_facts')
    .where('organization_id', organizationId)
    .where('repository_id', repositoryId)
    .if(commitShas, (query) => query.whereIn('commit_sha', commitShas!))
    .distinct('path')
    .orderBy('path')
  const files: FileComposition[] = []
  const agents = new Set<string>()
  const tools = new Set<string>()
  const models = new Set<string>()
  for (const { path } of paths) {
    const facts = await db
      .from('ai_code_facts')
      .where('organization_id', organizationId)
      .where('repository_id', repositoryId)
      .where('path', path)
      .if(commitShas, (query) => query.whereIn('commit_sha', commitShas!))
      .orderBy('id')
    const lines = new Map<number, Line>()
    const fileAgents = new Set<string>()
    const fileTools = new Set<string>()
    const fileModels = new Set<string>()
    const sources = new Set<string>()
    let language: string | null = null
    for (const fact of facts) {
      const rank = RANK[fact.source] ?? 0
      const origin = fact.origin as Origin
      const model: string = fact.model ?? ''
      language = fact.language ?? language
      sources.add(fact.source)
      if (fact.agent || fact.model) {
        fileAgents.add([fact.agent, fact.model].filter(Boolean).join(' / '))
      }
      if (fact.agent) fileTools.add(fact.agent)
      if (fact.model) fileModels.add(fact.model)
      for (let number = fact.start_line; number <= fact.end_line; number++) {
        const line = lines.get(number)
        if (!line) {
          lines.set(number, { rank, origin, id: fact.id, model, others: new Set() })
        } else if (rank >= line.rank) {
          if (line.origin !== origin) line.others.add(line.origin)
          Object.assign(line, { rank, origin, id: fact.id, model })
        } else if (origin !== line.origin) {
          line.others.add(origin)
        }
      }
    }
    const file: FileComposition = {
      path,
      language,
      ai: 0,
      blended: 0,
      human: 0,
      disagreements: 0,
      sources: [...sources].sort(),
      agents: [...fileAgents].sort(),
      tools: [...fileTools].sort(),
      models: [...fileModels].sort(),
      modelLines: {},
    }
    for (const line of lines.values()) {
      file[line.origin] += 1
      if (line.origin !== 'human') {
        file.modelLines[line.model] = (file.modelLines[line.model] ?? 0) + 1
      }
      if ([...line.others].some((other) => other !== line.origin)) file.disagreements += 1
    }
    fileAgents.forEach((agent) => agents.add(agent))
    fileTools.forEach((tool) => tools.add(tool))
    fileModels.forEach((model) => models.add(model))
    files.push(file)
  }
  const sum = (key: 'ai' | 'blended' | 'human' | 'disagreements') =>
    files.reduce((total, file) => total + file[key], 0)
  return {
    repository: {
      publicId: publicIds('repository').encode(Number(repository.id)),
      name: repository.name,
      fullName: repository.full_name ?? null,
    },
    totals: {
      ai: sum('ai'),
      blended: sum('blended'),
      human: sum('human'),
      disagreements: sum('disagreements'),
      files: files.length,
    },
    agents: [...agents].sort(),
    tools: [...tools].sort(),
    models: [...models].sort(),
    files,
  }
}

/** AI and blended lines over all attributed lines, in % (one decimal) */
export function aiSharePercent(lines: { ai: number; blended: number; human: number }) {
  const all = lines.ai + lines.blended + lines.human
  return all === 0 ? 0 : Math.round(((lines.ai + lines.blended) / all) * 1000) / 10
}
