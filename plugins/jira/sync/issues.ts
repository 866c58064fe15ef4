import type { ConnectionHandle, ContributorInput, SyncContext } from '#plugin-sdk'
import { jiraClients, editionOf, type JiraClients } from '../client.js'
import { environment } from '../environment.js'
import {
  contributorOf,
  issueRow,
  jiraDate,
  mappingOf,
  type JiraHistory,
  type JiraIssue,
} from './mappers.js'
import { issueFields, planningFields, type JiraField, type PlanningFields } from './planning.js'
import { incidentIds, incidentJqlOf } from './incident_jql.js'

/**
 * Issues, incrementally by updated time: `updated >= "<cursor minus a
 * minute>" ORDER BY updated ASC`, through Cloud's enhanced search
 * (/rest/api/3/search/jql, paged by nextPageToken) or Data Center's
 * search (/rest/api/2/search, startAt/total), with their changelogs
 * (paged through /issue/{key}/changelog when the search cut one short).
 * The cursor moves after each page is written, to that page's newest
 * update, so an interrupted run resumes where it stopped.
 */

const SCOPE = 'issues'
/** JQL compares minutes; start a minute early so nothing on the boundary is missed */
const OVERLAP_MS = 60_000

/** `yyyy-MM-dd HH:mm` in the account's time zone: JQL reads dates in it */
export function jqlMoment(moment: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(moment)
  const part = (type: string) => parts.find((entry) => entry.type === type)!.value
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`
}

function browseUrl(connection: ConnectionHandle) {
  return String(connection.config.siteUrl ?? connection.baseUrl).replace(/\/+$/, '')
}

async function accountTimeZone(jira: JiraClients): Promise<string> {
  const me: { timeZone?: string } =
    jira.edition === 'cloud'
      ? await jira.call(() => jira.v3.myself.getCurrentUser())
      : await jira.call(() => jira.v2.myself.getCurrentUser())
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: me.timeZone })
    return me.timeZone ?? 'UTC'
  } catch {
    return 'UTC'
  }
}

/** the window of the run's search: what changed since the cursor, less a minute */
async function windowFor(context: SyncContext, jira: JiraClients) {
  const cursor = context.full ? null : await context.cursors.get(SCOPE)
  if (!cursor) return 'updated >= "1970-01-01 00:00"'
  const since = new Date(Date.parse(cursor) - OVERLAP_MS)
  return `updated >= "${jqlMoment(since, await accountTimeZone(jira))}"`
}

/**
 * The issues of the window the organisation's incident query selects
 * (incident_jql.ts). A query Jira refuses selects none; why is kept on
 * the connection (config.incidentJqlError) for its card, until a run
 * finds the query accepted.
 */
async function queriedIncidents(context: SyncContext, jira: JiraClients, where: string) {
  const incidentJql = incidentJqlOf(context.connection.config)
  const known = context.connection.config.incidentJqlError ?? null
  if (!incidentJql) return new Set<string>()
  const found = await incidentIds(jira, incidentJql, where)
  const refused = 'refused' in found ? found.refused : null
  if (refused !== known) await context.connection.update({ config: { incidentJqlError: refused } })
  return 'ids' in found ? found.ids : new Set<string>()
}

/** the whole history of an issue whose search result carried only part of it (Cloud) */
async function fullHistory(jira: JiraClients, issue: JiraIssue): Promise<JiraHistory[]> {
  const inline = issue.changelog?.histories ?? []
  if (jira.edition !== 'cloud' || (issue.changelog?.total ?? 0) <= inline.length) return inline
  const histories: JiraHistory[] = []
  for (let startAt = 0; ;) {
    const page = await jira.call(() =>
      jira.v3.issues.getChangeLogs({ issueIdOrKey: issue.id, startAt, maxResults: 100 })
    )
    const values = (page.values ?? []) as unknown as JiraHistory[]
    histories.push(...values)
    startAt += values.length
    if (page.isLast || values.length === 0 || startAt >= (page.total ?? 0)) break
  }
  return histories
}

/**
 * The site's sprint, epic-link and story-point fields (GET /field), kept
 * on the connection (`config.fields`) for webhook deliveries, which carry
 * every field of the issue.
 */
async function discoverFields(context: SyncContext, jira: JiraClients): Promise<PlanningFields> {
  const all = (jira.edition === 'cloud'
    ? await jira.call(() => jira.v3.issueFields.getFields())
    : await jira.call(() => jira.v2.issueFields.getFields())) as unknown as JiraField[]
  const fields = planningFields(all)
  if (JSON.stringify(fields) !== JSON.stringify(context.connection.config.fields ?? null)) {
    await context.connection.update({ config: { fields } })
  }
  return fields
}

async function writePage(
  context: SyncContext,
  jira: JiraClients,
  issues: JiraIssue[],
  fields: PlanningFields,
  incidents: Set<string>
) {
  const mapping = mappingOf(context.connection.config)
  const edition = editionOf(context.connection)
  const people = new Map<string, ContributorInput>()
  const rows = []
  for (const issue of issues) {
    for (const user of [issue.fields.assignee, issue.fields.reporter]) {
      const contributor = user ? contributorOf(user, edition) : null
      if (contributor) people.set(contributor.externalId, contributor)
    }
    const histories = await fullHistory(jira, issue)
    const row = issueRow(issue, histories, {
      mapping,
      browseUrl: browseUrl(context.connection),
      site: context.connection.accountKey,
      fields,
    })
    if (incidents.has(String(issue.id))) row.type = 'incident'
    rows.push(row)
  }
  await context.store.upsertContributors([...people.values()])
  await context.store.upsertIssues(rows)
  const newest = issues.at(-1)?.fields.updated
  if (newest) await context.cursors.set(SCOPE, new Date(jiraDate(newest)!).toISOString())
}

export async function syncIssues(context: SyncContext) {
  const jira = await jiraClients(
    context.http,
    context.connection.baseUrl,
    editionOf(context.connection)
  )
  const where = await windowFor(context, jira)
  const jql = `${where} ORDER BY updated ASC`
  const fields = await discoverFields(context, jira)
  const incidents = await queriedIncidents(context, jira, where)
  const pageSize = environment.get('JIRA_SEARCH_PAGE_SIZE')
  let done = 0
  if (jira.edition === 'cloud') {
    let nextPageToken: string | undefined
    do {
      context.signal.throwIfAborted()
      const page = await jira.call(() =>
        jira.v3.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
          jql,
          nextPageToken,
          maxResults: pageSize,
          fields: issueFields(fields),
          expand: 'changelog',
        })
      )
      const issues = (page.issues ?? []) as unknown as JiraIssue[]
      await writePage(context, jira, issues, fields, incidents)
      done += issues.length
      await context.progress(done, null, 'issues')
      nextPageToken = page.nextPageToken ?? undefined
    } while (nextPageToken)
    return
  }
  for (let startAt = 0; ;) {
    context.signal.throwIfAborted()
    const page = await jira.call(() =>
      jira.v2.issueSearch.searchForIssuesUsingJql({
        jql,
        startAt,
        maxResults: Math.min(pageSize, 50),
        fields: issueFields(fields),
        expand: 'changelog',
      })
    )
    const issues = (page.issues ?? []) as unknown as JiraIssue[]
    await writePage(context, jira, issues, fields, incidents)
    startAt += issues.length
    await context.progress(startAt, page.total ?? null, 'issues')
    if (issues.length === 0 || startAt >= (page.total ?? 0)) break
  }
}
