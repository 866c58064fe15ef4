import db from '@adonisjs/lucid/services/db'

/**
 * Links issues to pull requests by the issue keys (ENG-42) a pull
 * request's title or branch names, across providers: a Jira issue and a
 * GitHub pull request find each other whichever is written first. Only
 * keys of issues the organisation has are linked, so "UTF-8" in a title
 * links nothing. Branch names are matched whatever their case
 * (feature/eng-42-retry).
 */

const KEY = /\b([A-Z][A-Z0-9_]{0,19}-[1-9]\d{0,9})\b/g
const BATCH = 200

type PullText = { id: number; title: string; head_ref: string | null }

/** the issue keys a pull request names, in its title (as written) or its branch (any case) */
export function issueKeysIn(pull: { title: string; headRef?: string | null }): string[] {
  const found = new Set<string>()
  for (const text of [pull.title, (pull.headRef ?? '').toUpperCase()]) {
    for (const match of text.matchAll(KEY)) found.add(match[1])
  }
  return [...found]
}

/** the organisation's issues carrying each key (a key may repeat across sites) */
export async function issueIdsByKey(organizationId: number, keys: string[]) {
  const issues: Array<{ id: number; key: string }> = await db
    .from('issues')
    .where('organization_id', organizationId)
    .whereIn('key', keys)
    .select('id', 'key')
  const issueIds = new Map<string, number[]>()
  for (const issue of issues)
    issueIds.set(issue.key, [...(issueIds.get(issue.key) ?? []), issue.id])
  return issueIds
}

/** links each issue to each pull request of `pairs`, once (a repeated pair is ignored) */
export async function linkIssuesToPullRequests(
  organizationId: number,
  pairs: Array<{ issueId: number; pullId: number }>
) {
  const rows = pairs.map((pair) => ({
    organization_id: organizationId,
    issue_id: pair.issueId,
    pull_request_id: pair.pullId,
  }))
  for (let start = 0; start < rows.length; start += BATCH) {
    await db
      .table('issue_pull_requests')
      .insert(rows.slice(start, start + BATCH))
      .onConflict(['issue_id', 'pull_request_id'])
      .ignore()
  }
  return rows.length
}

/** after pull requests were written: link them to the issues their keys name */
export async function linkPullRequests(
  organizationId: number,
  provider: string,
  externalIds: string[]
) {
  const pairs: Array<{ issueId: number; pullId: number }> = []
  for (let start = 0; start < externalIds.length; start += BATCH) {
    const pulls: PullText[] = await db
      .from('pull_requests')
      .where('organization_id', organizationId)
      .where('provider', provider)
      .whereIn('external_id', externalIds.slice(start, start + BATCH))
      .select('id', 'title', 'head_ref')
    const keysByPull = pulls.map((pull) => ({
      id: pull.id,
      keys: issueKeysIn({ title: pull.title, headRef: pull.head_ref }),
    }))
    const keys = [...new Set(keysByPull.flatMap((pull) => pull.keys))]
    if (keys.length === 0) continue
    const issueIds = await issueIdsByKey(organizationId, keys)
    for (const pull of keysByPull) {
      for (const key of pull.keys) {
        for (const issueId of issueIds.get(key) ?? []) pairs.push({ issueId, pullId: pull.id })
      }
    }
  }
  return linkIssuesToPullRequests(organizationId, pairs)
}

/** after issues were written: link them to the pull requests already naming their keys */
export async function linkIssues(organizationId: number, provider: string, externalIds: string[]) {
  const written = new Map<string, number[]>()
  for (let start = 0; start < externalIds.length; start += BATCH) {
    const issues: Array<{ id: number; key: string }> = await db
      .from('issues')
      .where('organization_id', organizationId)
      .where('provider', provider)
      .whereIn('external_id', externalIds.slice(start, start + BATCH))
      .select('id', 'key')
    for (const issue of issues)
      written.set(issue.key, [...(written.get(issue.key) ?? []), issue.id])
  }
  const projects = [...new Set([...written.keys()].map((key) => key.replace(/-\d+$/, '')))]
  const pairs: Array<{ issueId: number; pullId: number }> = []
  for (const project of projects) {
    const pattern = `%${project.toLowerCase()}-%`
    const pulls: PullText[] = await db
      .from('pull_requests')
      .where('organization_id', organizationId)
      .where((query) =>
        query
          .whereRaw('LOWER(title) LIKE ?', [pattern])
          .orWhereRaw('LOWER(head_ref) LIKE ?', [pattern])
      )
      .select('id', 'title', 'head_ref')
    for (const pull of pulls) {
      for (const key of issueKeysIn({ title: pull.title, headRef: pull.head_ref })) {
        for (const issueId of written.get(key) ?? []) pairs.push({ issueId, pullId: pull.id })
      }
    }
  }
  return linkIssuesToPullRequests(organizationId, pairs)
}
