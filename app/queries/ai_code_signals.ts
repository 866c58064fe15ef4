import db from '@adonisjs/lucid/services/db'
import { AI_AGENT_BOT_LOGINS, isAgentBot } from '#services/domain/commit_trailers'

/** commits listed with their built-in signals on a repository's page */
export const SIGNAL_LIMIT = 50

/**
 * A repository's built-in signals (docs/ai_code.md), newest first, each
 * with its evidence so a reader can judge it: a commit whose trailers
 * mark AI assistance (the trailers themselves), or one a coding agent's
 * own identity authored (its login). Fenced to the organisation.
 */
export async function builtInSignals(organizationId: number, repositoryId: number) {
  const rows = await db
    .from('commits')
    .where('organization_id', organizationId)
    .where('repository_id', repositoryId)
    .where((signal) =>
      signal.where('ai_assisted', true).orWhereIn('author_login', AI_AGENT_BOT_LOGINS)
    )
    .orderBy('committed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(SIGNAL_LIMIT)
    .select(
      'sha',
      'message',
      'trailers',
      'author_login',
      'author_name',
      'committed_at',
      'ai_assisted'
    )
  return rows.map((row) => {
    const evidence: string[] = []
    if (isAgentBot(row.author_login)) evidence.push(`authored by ${row.author_login}`)
    if (row.ai_assisted) {
      for (const trailer of parseTrailers(row.trailers)) {
        evidence.push(`${trailer.key}: ${trailer.value}`)
      }
    }
    return {
      sha: String(row.sha).slice(0, 7),
      title: String(row.message ?? '')
        .split('\n')[0]
        .slice(0, 120),
      author: row.author_login ?? row.author_name ?? null,
      committedAt: row.committed_at ? new Date(row.committed_at).toISOString().slice(0, 10) : null,
      evidence,
    }
  })
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
