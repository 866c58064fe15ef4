import type { IssueInput, IssueTransitionInput, SyncContext } from '#plugin-sdk'
import { API_VERSION } from '../client.js'
import type { Azure } from '../types.js'
import { projectOf } from './pull_requests.js'

/** what workitemsbatch takes at once */
const BATCH = 200
/** updates read per request */
const UPDATES_PAGE = 200

const FIELDS = [
  'System.Id',
  'System.TeamProject',
  'System.WorkItemType',
  'System.Title',
  'System.State',
  'System.CreatedDate',
  'System.ChangedDate',
  'System.AssignedTo',
  'System.CreatedBy',
  'Microsoft.VSTS.Common.Priority',
  'Microsoft.VSTS.Common.ResolvedDate',
  'Microsoft.VSTS.Common.ClosedDate',
]

type WorkItem = { id: number; rev: number; fields: Record<string, unknown> }
type IdentityRef = { uniqueName?: string; displayName?: string }

const TYPES: Record<string, IssueInput['type']> = {
  'bug': 'bug',
  'incident': 'incident',
  'user story': 'story',
  'product backlog item': 'story',
  'requirement': 'story',
  'issue': 'story',
  'task': 'task',
  'epic': 'epic',
}

/** the state categories of the Agile, Scrum, Basic and CMMI processes */
function stateCategory(state: string): IssueInput['statusCategory'] {
  const name = state.toLowerCase()
  if (['closed', 'done', 'removed', 'resolved', 'completed', 'cut'].includes(name)) return 'done'
  if (['new', 'to do', 'proposed', 'approved', 'design'].includes(name)) return 'todo'
  return 'in_progress'
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null)
const optional = (value: unknown) =>
  value === null || value === undefined || value === '' ? null : String(value)
const login = (value: unknown) =>
  value && typeof value === 'object' ? ((value as IdentityRef).uniqueName ?? null) : text(value)

/** a revision's moment: the System.ChangedDate it set (revisedDate is when it was superseded) */
const momentOf = (update: Azure.WorkItemUpdate) =>
  text(update.fields?.['System.ChangedDate']?.newValue) ?? text(update.revisedDate)

/**
 * The state history from the item's updates (GET …/workItems/{id}/updates),
 * oldest first: each revision that set System.State is a transition.
 */
export function transitionsOf(updates: Azure.WorkItemUpdate[]): IssueTransitionInput[] {
  const transitions: IssueTransitionInput[] = []
  for (const update of [...updates].sort((a, b) => a.rev - b.rev)) {
    const change = update.fields?.['System.State']
    const to = text(change?.newValue)
    const at = momentOf(update)
    if (!to || !at || at.startsWith('9999')) continue
    transitions.push({ at, from: text(change?.oldValue), to, toCategory: stateCategory(to) })
  }
  return transitions
}

/** every update of one work item, $top/$skip pages of 200 */
async function readUpdates(context: SyncContext, project: string, id: number) {
  const updates: Azure.WorkItemUpdate[] = []
  for (let skip = 0; ; skip += UPDATES_PAGE) {
    const page = await context.http.get<Azure.List<Azure.WorkItemUpdate>>(
      `/${encodeURIComponent(project)}/_apis/wit/workItems/${id}/updates`,
      { query: { '$top': UPDATES_PAGE, '$skip': skip, 'api-version': API_VERSION } }
    )
    updates.push(...page.data.value)
    if (page.data.value.length < UPDATES_PAGE) return updates
  }
}

export function workItemInput(item: WorkItem, webBase: string): IssueInput {
  const fields = item.fields
  const type = String(fields['System.WorkItemType'] ?? 'Task')
  const state = String(fields['System.State'] ?? 'New')
  const category = stateCategory(state)
  const project = String(fields['System.TeamProject'] ?? '')
  return {
    externalId: String(item.id),
    key: String(item.id),
    projectKey: project || null,
    title: String(fields['System.Title'] ?? '').slice(0, 500),
    type: TYPES[type.toLowerCase()] ?? type.toLowerCase(),
    status: state,
    statusCategory: category,
    priority: optional(fields['Microsoft.VSTS.Common.Priority']),
    assigneeLogin: login(fields['System.AssignedTo']),
    reporterLogin: login(fields['System.CreatedBy']),
    url: `${webBase}/${encodeURIComponent(project)}/_workitems/edit/${item.id}`,
    openedAt: String(fields['System.CreatedDate']),
    resolvedAt:
      category === 'done'
        ? (text(fields['Microsoft.VSTS.Common.ResolvedDate']) ??
          text(fields['Microsoft.VSTS.Common.ClosedDate']) ??
          text(fields['System.ChangedDate']))
        : null,
    remoteUpdatedAt: text(fields['System.ChangedDate']),
  }
}

/**
 * Work items (Bug, Incident and the rest) as issues, per project: a
 * WIQL query for the ids changed since the cursor (System.ChangedDate,
 * to the second with timePrecision), then their fields 200 at a time.
 */
export async function syncWorkItems(context: SyncContext) {
  const repositories = await context.store.repositories()
  const projects = [...new Set(repositories.map(projectOf))]
  const webBase = context.connection.baseUrl.replace(/\/+$/, '')
  for (const project of projects) {
    const scope = `work_items:${project}`
    const since = await context.cursors.get(scope)
    const where = since ? ` AND [System.ChangedDate] >= '${since}'` : ''
    const query = await context.http.post<{ workItems: Array<{ id: number }> }>(
      `/${encodeURIComponent(project)}/_apis/wit/wiql`,
      {
        query: { 'api-version': API_VERSION, 'timePrecision': 'true' },
        body: {
          query: `SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project${where} ORDER BY [System.ChangedDate] ASC`,
        },
      }
    )
    const ids = query.data.workItems.map((item) => item.id)
    let newest = since
    for (let start = 0; start < ids.length; start += BATCH) {
      const batch = await context.http.post<{ value: WorkItem[] }>(
        `/${encodeURIComponent(project)}/_apis/wit/workitemsbatch`,
        {
          query: { 'api-version': API_VERSION },
          body: { ids: ids.slice(start, start + BATCH), fields: FIELDS },
        }
      )
      const items = batch.data.value
      // an item seen at exactly the cursor's moment was written last time
      const fresh = items.filter(
        (item) => !since || String(item.fields['System.ChangedDate']) > since
      )
      if (fresh.length > 0) {
        const rows: IssueInput[] = []
        for (const item of fresh) {
          const row = workItemInput(item, webBase)
          // revision 1 is the creation: its state is the whole history, no request needed
          row.transitions =
            item.rev > 1
              ? transitionsOf(await readUpdates(context, project, item.id))
              : [{ at: row.openedAt, from: null, to: row.status, toCategory: row.statusCategory }]
          rows.push(row)
        }
        await context.store.upsertIssues(rows)
      }
      for (const item of items) {
        const changed = text(item.fields['System.ChangedDate'])
        if (changed && (!newest || changed > newest)) newest = changed
      }
    }
    if (newest && newest !== since) await context.cursors.set(scope, newest)
  }
}
