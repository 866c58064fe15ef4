import db from '@adonisjs/lucid/services/db'
import { commitShasOf } from '#services/ai_code/attestations'
import {
  AGENT_IDENTITIES,
  AGENT_LOGINS,
  commitSignals,
  SIGNAL_COLUMNS,
  storedIdentities,
} from '#services/ai_code/built_in_signals'
import { pullRequestMarkers } from '#services/ai_code/signal_facts'

/** commits listed with their built-in signals on a repository's page */
export const SIGNAL_LIMIT = 50

/**
 * A repository's built-in signals (docs/ai_code.md), newest first, each
 * with its evidence so a reader can judge it: a commit whose trailers
 * mark AI assistance (the trailers themselves), one a coding agent's own
 * identity authored or committed (its login or address), or one of a pull request
 * whose body carries an agent's marker (the marker's line). Fenced to
 * the organisation.
 */
export async function builtInSignals(organizationId: number, repositoryId: number) {
  const marked = await db
    .from('pull_requests')
    .where('organization_id', organizationId)
    .where('repository_id', repositoryId)
    .whereNotNull('ai_marker')
    .select('commit_shas')
  const markedShas = [...new Set(marked.flatMap((pull) => commitShasOf(pull.commit_shas)))]
  const emails = AGENT_IDENTITIES.flatMap((identity) => identity.emails)
  const rows = await db
    .from('commits')
    .where('organization_id', organizationId)
    .where('repository_id', repositoryId)
    .where((signal) =>
      signal
        .where('ai_assisted', true)
        .orWhereIn('author_login', AGENT_LOGINS)
        .orWhereIn('author_name', AGENT_LOGINS)
        .orWhereIn('author_email', emails)
        .orWhereIn('committer_login', AGENT_LOGINS)
        .orWhereIn('committer_name', AGENT_LOGINS)
        .orWhereIn('committer_email', emails)
        .orWhereIn('sha', markedShas.slice(0, 10_000))
    )
    .orderBy('committed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(SIGNAL_LIMIT)
    .select('sha', 'message', 'trailers', ...SIGNAL_COLUMNS, 'committed_at')
  const markers = await pullRequestMarkers(
    organizationId,
    repositoryId,
    new Set(rows.map((row) => row.sha as string))
  )
  return rows
    .map((row) => ({
      row,
      evidence: [
        ...commitSignals({
          ...storedIdentities(row),
          trailers: parseTrailers(row.trailers),
        }),
        ...(markers.get(row.sha) ?? []),
      ].map((signal) => signal.evidence),
    }))
    .filter(({ evidence }) => evidence.length > 0)
    .map(({ row, evidence }) => ({
      sha: String(row.sha).slice(0, 7),
      title: String(row.message ?? '')
        .split('\n')[0]
        .slice(0, 120),
      author: row.author_login ?? row.author_name ?? null,
      committedAt: row.committed_at ? new Date(row.committed_at).toISOString().slice(0, 10) : null,
      evidence,
    }))
}

function parseTrailers(raw: unknown): Array<{ key: string; value: string }> {
  if (typeof raw !== 'string' || raw === '') return []
  try {
    const value = JSON.parse(raw)
    return Array.isArray(value) ? value : []
  } catch {
    return []
  }
}
