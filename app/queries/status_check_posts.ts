import db from '@adonisjs/lucid/services/db'
import { toDateTime } from '#actions/connections/connection_summaries'

export type StatusCheckPostSummary = {
  repository: string
  pullRequestNumber: number
  pullRequestUrl: string | null
  name: string
  headSha: string
  state: string
  title: string
  status: 'pending' | 'posted' | 'failed'
  url: string | null
  lastError: string | null
  attempts: number
  updatedAt: ReturnType<typeof toDateTime>
}

/**
 * The status checks most recently posted through a connection (newest
 * first), for its page: what was posted, and what failed and why.
 */
export async function recentStatusChecks(organizationId: number, connectionId: number, limit = 10) {
  const rows = await db
    .from('status_check_posts as s')
    .join('pull_requests as p', 'p.id', 's.pull_request_id')
    .join('repositories as r', 'r.id', 'p.repository_id')
    .where('s.organization_id', organizationId)
    .where('s.connection_id', connectionId)
    .orderBy('s.updated_at', 'desc')
    .orderBy('s.id', 'desc')
    .limit(limit)
    .select(
      'r.full_name as repository',
      'p.number as number',
      'p.url as pull_url',
      's.name',
      's.head_sha',
      's.state',
      's.title',
      's.status',
      's.url',
      's.last_error',
      's.attempts',
      's.updated_at'
    )
  return rows.map((row): StatusCheckPostSummary => ({
    repository: row.repository,
    pullRequestNumber: Number(row.number),
    pullRequestUrl: /^https?:\/\//i.test(row.pull_url ?? '') ? row.pull_url : null,
    name: row.name,
    headSha: row.head_sha,
    state: row.state,
    title: row.title,
    status: row.status,
    url: row.url ?? null,
    lastError: row.last_error ?? null,
    attempts: Number(row.attempts),
    updatedAt: toDateTime(row.updated_at),
  }))
}
