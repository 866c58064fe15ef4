import db from '@adonisjs/lucid/services/db'
import { publicIds } from '#services/public_id'

/**
 * A developer's verdict on a chunk of a pull request, as the old system
 * taught it: Pure (only AI code), Blended (AI and human, or AI with
 * other developers' lines), NotGenAI. The verdict becomes the origin of
 * an "attestation" fact, the strongest source.
 */
export const VERDICTS = {
  Pure: 'ai',
  Blended: 'blended',
  NotGenAI: 'human',
} as const
export type Verdict = keyof typeof VERDICTS

export const factIds = () => publicIds('ai_code_fact')

export type Chunk = {
  publicId: string
  commitSha: string
  path: string
  startLine: number
  endLine: number
  origin: 'ai' | 'blended'
  source: string
  agent: string | null
  model: string | null
  /** what the fact's source gave as its evidence (a signal's trailer, identity or marker) */
  evidence: string | null
  /** the attestation covering it, if any */
  attestation: { publicId: string; verdict: Verdict } | null
}

export function commitShasOf(raw: unknown): string[] {
  try {
    const value = JSON.parse(String(raw ?? '[]'))
    return Array.isArray(value) ? value.filter((sha) => typeof sha === 'string') : []
  } catch {
    return []
  }
}

export function verdictOf(origin: string): Verdict {
  return (Object.keys(VERDICTS) as Verdict[]).find((key) => VERDICTS[key] === origin) ?? 'NotGenAI'
}

type FactLines = { commit_sha: string; path: string; start_line: number; end_line: number }

/** whether an attestation speaks for all the lines of a labelled fact */
export function covers(attestation: FactLines, fact: FactLines) {
  return (
    attestation.commit_sha === fact.commit_sha &&
    attestation.path === fact.path &&
    attestation.start_line <= fact.start_line &&
    attestation.end_line >= fact.end_line
  )
}

/**
 * The chunks of a pull request that need a developer's word: every fact
 * labelled AI or blended by a weaker source (a Git AI note, an analyzer,
 * a trailer) about one of the commits its code host listed, each with
 * the attestation on this pull request that covers its lines, if any.
 */
export async function pullRequestChunks(
  organizationId: number,
  pull: { id: number; repository_id: number; commit_shas: unknown }
): Promise<Chunk[]> {
  const shas = commitShasOf(pull.commit_shas)
  if (shas.length === 0) return []
  const facts = await db
    .from('ai_code_facts')
    .where('organization_id', organizationId)
    .where('repository_id', pull.repository_id)
    .whereIn('commit_sha', shas)
    .whereNot('source', 'attestation')
    .whereIn('origin', ['ai', 'blended'])
    .orderBy(['path', 'start_line', 'id'])
  const attestations = await db
    .from('ai_code_facts')
    .where('organization_id', organizationId)
    .where('pull_request_id', pull.id)
    .where('source', 'attestation')
    .orderBy('id', 'desc')
  const codec = factIds()
  return facts.map((fact) => {
    const covering = attestations.find((attestation) => covers(attestation, fact))
    return {
      publicId: codec.encode(Number(fact.id)),
      commitSha: fact.commit_sha,
      path: fact.path,
      startLine: fact.start_line,
      endLine: fact.end_line,
      origin: fact.origin,
      source: fact.source,
      agent: fact.agent ?? null,
      model: fact.model ?? null,
      evidence: fact.evidence ?? null,
      attestation: covering
        ? { publicId: codec.encode(Number(covering.id)), verdict: verdictOf(covering.origin) }
        : null,
    }
  })
}
