import db from '@adonisjs/lucid/services/db'
import { commitShasOf } from '#services/ai_code/attestations'
import {
  commitSignals,
  markerAgent,
  SIGNAL_COLUMNS,
  storedIdentities,
  type AddedLines,
  type Signal,
} from '#services/ai_code/built_in_signals'
import { sqlTime } from '#services/sql'

/**
 * Writes the built-in signals of some commits of one repository as facts
 * of source "trailer" (the weakest): every line the commit added, as its
 * code host's diff gave them, is AI, with the signals' evidence (the
 * trailer, the agent's identity, the pull request's marker). A signalled
 * commit whose added lines are unknown gets no fact: it counts at commit
 * level only (the policy's AI-assisted commits, the signals list). Each
 * commit's signal facts are replaced in one transaction, so writing the
 * same commits again changes nothing. Returns how many facts changed:
 * when any did, the caller (an action, through the domain store's
 * AiFactsListener) rebuilds the GBOM and checks the open pull requests
 * carrying the commits again (ApplyAiFactChanges). Fenced to the
 * organisation.
 */
export async function writeSignalFacts(
  organizationId: number,
  repositoryId: number,
  shas: string[]
): Promise<number> {
  const wanted = [...new Set(shas)]
  if (wanted.length === 0) return 0
  const commits = await db
    .from('commits')
    .where('organization_id', organizationId)
    .where('repository_id', repositoryId)
    .whereIn('sha', wanted)
    .select('sha', 'message', 'trailers', ...SIGNAL_COLUMNS, 'added_lines')
  const markers = await pullRequestMarkers(organizationId, repositoryId, new Set(wanted))
  const now = sqlTime()
  let changed = 0
  await db.transaction(async (trx) => {
    for (const commit of commits) {
      const facts = () =>
        trx
          .from('ai_code_facts')
          .where('organization_id', organizationId)
          .where('repository_id', repositoryId)
          .where('source', 'trailer')
          .where('commit_sha', commit.sha)
      const signals = [
        ...commitSignals({
          ...storedIdentities(commit),
          trailers: parseJsonArray(commit.trailers),
        }),
        ...(markers.get(commit.sha) ?? []),
      ]
      const added = parseJsonArray(commit.added_lines) as AddedLines
      const rows =
        signals.length === 0
          ? []
          : added.flatMap((file) =>
              file.ranges.map(([start, end]) => ({
                organization_id: organizationId,
                repository_id: repositoryId,
                source: 'trailer',
                commit_sha: commit.sha,
                path: String(file.path).slice(0, 1024),
                start_line: start,
                end_line: end,
                origin: 'ai',
                agent: signals.find((signal) => signal.agent)?.agent ?? null,
                model: null,
                evidence: signals
                  .map((signal) => signal.evidence)
                  .join('; ')
                  .slice(0, 255),
                created_at: now,
                updated_at: now,
              }))
            )
      // the same signals over the same lines: nothing to rewrite
      const stored = await facts()
        .orderBy('id')
        .select(...SIGNATURE)
      if (signature(stored) === signature(rows)) continue
      await facts().delete()
      for (let start = 0; start < rows.length; start += 200) {
        await trx.table('ai_code_facts').multiInsert(rows.slice(start, start + 200))
      }
      changed += Math.max(1, rows.length)
    }
  })
  return changed
}

/**
 * The markers of the repository's pull requests that list one of the
 * commits, per commit: "pull request #12: 🤖 Generated with …".
 */
export async function pullRequestMarkers(
  organizationId: number,
  repositoryId: number,
  shas: Set<string>
): Promise<Map<string, Signal[]>> {
  const pulls = await db
    .from('pull_requests')
    .where('organization_id', organizationId)
    .where('repository_id', repositoryId)
    .whereNotNull('ai_marker')
    .select('number', 'ai_marker', 'commit_shas')
  const bySha = new Map<string, Signal[]>()
  for (const pull of pulls) {
    const signal = {
      agent: markerAgent(pull.ai_marker),
      evidence: `pull request #${pull.number}: ${pull.ai_marker}`,
    }
    for (const sha of commitShasOf(pull.commit_shas)) {
      if (!shas.has(sha)) continue
      bySha.set(sha, [...(bySha.get(sha) ?? []), signal])
    }
  }
  return bySha
}

const SIGNATURE = ['path', 'start_line', 'end_line', 'agent', 'evidence'] as const

function signature(rows: Array<Record<string, unknown>>) {
  return JSON.stringify(rows.map((row) => SIGNATURE.map((column) => row[column] ?? null)))
}

function parseJsonArray(raw: unknown): any[] {
  if (typeof raw !== 'string' || raw === '') return []
  try {
    const value = JSON.parse(raw)
    return Array.isArray(value) ? value : []
  } catch {
    return []
  }
}
