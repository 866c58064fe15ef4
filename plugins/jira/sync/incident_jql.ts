import { HttpError } from '#plugin-sdk'
import type { JiraClients } from '../client.js'

/**
 * Incidents chosen by a JQL query (`priority = Highest AND labels =
 * customer-facing`), beside the incident types and labels: an
 * organisation whose incidents are not an issue type of their own says
 * which issues are incidents the way it already searches for them in
 * Jira. Jira runs the query; Sextant never interprets JQL.
 *
 * - The sync asks once per run, over the same window as its search,
 *   `(<query>) AND updated >= "…"`, for ids only, and marks those issues
 *   incidents as it writes them (an issue that stops matching changed,
 *   so the same run reclassifies it).
 * - A webhook delivery asks `key = <KEY> AND (<query>)` for its issue.
 * - A query Jira refuses (400) marks nothing: the run says why and goes
 *   on with the types and labels.
 */

const PAGE = 1000

export function incidentJqlOf(config: Record<string, unknown>): string | null {
  const jql = typeof config.incidentJql === 'string' ? config.incidentJql.trim() : ''
  return jql || null
}

type Found = { ids: Set<string> } | { refused: string }

function refusal(error: unknown): string | null {
  if (!(error instanceof HttpError) || error.status !== 400) return null
  try {
    const body = JSON.parse(error.body) as { errorMessages?: string[] }
    return body.errorMessages?.join(' ').slice(0, 300) || 'Jira refused the query'
  } catch {
    return 'Jira refused the query'
  }
}

/** the ids of the issues `where` selects among those the query makes incidents */
export async function incidentIds(
  jira: JiraClients,
  incidentJql: string,
  where: string
): Promise<Found> {
  const jql = `(${incidentJql}) AND ${where}`
  const ids = new Set<string>()
  try {
    if (jira.edition === 'cloud') {
      let nextPageToken: string | undefined
      do {
        const page = await jira.call(() =>
          jira.v3.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
            jql,
            nextPageToken,
            maxResults: PAGE,
            fields: ['id'],
          })
        )
        for (const issue of page.issues ?? []) ids.add(String(issue.id))
        nextPageToken = page.nextPageToken ?? undefined
      } while (nextPageToken)
      return { ids }
    }
    for (let startAt = 0; ;) {
      const page = await jira.call(() =>
        jira.v2.issueSearch.searchForIssuesUsingJql({
          jql,
          startAt,
          maxResults: PAGE,
          fields: ['id'],
        })
      )
      const issues = page.issues ?? []
      for (const issue of issues) ids.add(String(issue.id))
      startAt += issues.length
      if (issues.length === 0 || startAt >= (page.total ?? 0)) return { ids }
    }
  } catch (error) {
    const reason = refusal(error)
    if (reason === null) throw error
    return { refused: reason }
  }
}

/** whether one issue is an incident by the query (null: Jira refused the query) */
export async function matchesIncidentJql(jira: JiraClients, incidentJql: string, key: string) {
  const found = await incidentIds(jira, incidentJql, `key = "${key.replace(/"/g, '')}"`)
  return 'ids' in found ? found.ids.size > 0 : null
}
