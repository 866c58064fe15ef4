import {
  CATEGORY_NAMES,
  CUSTOM_FIELDS,
  jiraTime,
  type FakeIssue,
  type FakeSite,
  type FakeSprint,
  type FakeUser,
} from './state.js'

/**
 * Issues as Jira's REST API writes them, and the little JQL the sync
 * sends: `updated >= "yyyy-MM-dd HH:mm"` (read in the caller's time
 * zone, minute precision) with `ORDER BY updated ASC`. Cloud's enhanced
 * search refuses unbounded queries, as the real one does.
 */

export function cloudUser(user: FakeUser | null) {
  if (!user) return null
  return {
    accountId: user.accountId,
    displayName: user.displayName,
    emailAddress: user.emailAddress,
    active: true,
    accountType: 'atlassian',
  }
}

export function serverUser(user: FakeUser | null) {
  if (!user) return null
  return {
    key: user.accountId,
    name: user.name,
    displayName: user.displayName,
    emailAddress: user.emailAddress,
    active: true,
  }
}

/** histories in Jira's shape; the search returns at most `limit` of them (the newest) */
export function changelogOf(issue: FakeIssue, cloud: boolean, limit: number) {
  const all = issue.histories.map((history) => ({
    id: history.id,
    author: cloud ? cloudUser(history.author) : serverUser(history.author),
    created: jiraTime(history.created),
    items: history.items.map((item) => ({ ...item, fieldtype: 'jira' })),
  }))
  const histories = all.slice(Math.max(0, all.length - limit))
  return { startAt: 0, maxResults: histories.length, total: all.length, histories }
}

export function issueJson(site: FakeSite, issue: FakeIssue, cloud: boolean, expand: string[]) {
  const person = cloud ? cloudUser : serverUser
  const body: Record<string, unknown> = {
    id: issue.id,
    key: issue.key,
    self: `${site.url}/rest/api/${cloud ? 3 : 2}/issue/${issue.id}`,
    fields: {
      summary: issue.summary,
      issuetype: { id: issue.type, name: issue.type, subtask: false },
      status: {
        name: issue.status,
        statusCategory: { key: issue.statusCategory, name: CATEGORY_NAMES[issue.statusCategory] },
      },
      priority: { name: issue.priority },
      assignee: person(issue.assignee),
      reporter: person(issue.reporter),
      labels: issue.labels,
      created: jiraTime(issue.created),
      updated: jiraTime(issue.updated),
      resolutiondate: issue.resolved ? jiraTime(issue.resolved) : null,
      project: project(site, issue.projectKey),
      components: (issue.components ?? []).map((name, index) => ({
        id: String(10_000 + index),
        name,
        self: `${site.url}/rest/api/${cloud ? 3 : 2}/component/${10_000 + index}`,
      })),
      fixVersions: (issue.fixVersions ?? []).map((name, index) => ({
        id: String(10_100 + index),
        name,
        archived: false,
        released: false,
      })),
      ...(issue.parent
        ? {
            parent: {
              id: issue.parent.key,
              key: issue.parent.key,
              fields: {
                summary: `Parent ${issue.parent.key}`,
                issuetype: {
                  name: issue.parent.type,
                  subtask: false,
                  hierarchyLevel: issue.parent.type === 'Epic' ? 1 : 0,
                },
              },
            },
          }
        : {}),
      [CUSTOM_FIELDS.sprint.id]: issue.sprints?.length
        ? issue.sprints.map((sprint) => (cloud ? cloudSprint(sprint) : serverSprint(sprint)))
        : null,
      [CUSTOM_FIELDS.epicLink.id]: issue.epicLink ?? null,
      [CUSTOM_FIELDS.storyPoints.id]: issue.storyPoints ?? null,
    },
  }
  // Cloud's search caps a changelog; Data Center sends it whole
  if (expand.includes('changelog')) body.changelog = changelogOf(issue, cloud, cloud ? 40 : 10_000)
  return body
}

function cloudSprint(sprint: FakeSprint) {
  return { id: sprint.id, name: sprint.name, state: sprint.state, boardId: 1, goal: '' }
}

/** Data Center's Sprint field: each sprint as a Java toString */
function serverSprint(sprint: FakeSprint) {
  return `com.atlassian.greenhopper.service.sprint.Sprint@5e3b${sprint.id}[id=${sprint.id},rapidViewId=1,state=${sprint.state.toUpperCase()},name=${sprint.name},startDate=<null>,endDate=<null>,completeDate=<null>,sequence=${sprint.id},goal=]`
}

/**
 * Only the fields a request names, as Jira answers `fields=a,b` (`*all`
 * or no list: every field).
 */
export function onlyFields(body: Record<string, unknown>, requested: string | null) {
  if (!requested || requested.split(',').includes('*all')) return body
  const wanted = new Set(requested.split(','))
  const fields = body.fields as Record<string, unknown>
  body.fields = Object.fromEntries(Object.entries(fields).filter(([name]) => wanted.has(name)))
  return body
}

function project(site: FakeSite, key: string) {
  const found = site.projects.find((candidate) => candidate.key === key)
  return { id: found?.id ?? key, key, name: found?.name ?? key }
}

export class JqlError extends Error {}

/** `updated >= "2024-01-02 03:04"` in `timeZone` → the UTC moment it names */
function zonedMoment(text: string, timeZone: string): Date {
  const match = /^(\d{4})[-/](\d{2})[-/](\d{2})(?: (\d{2}):(\d{2}))?$/.exec(text)
  if (!match) throw new JqlError(`Date value '${text}' for field 'updated' is invalid.`)
  const [, y, mo, d, h = '00', mi = '00'] = match
  const asUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi))
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(new Date(asUtc))
  const get = (type: string) => Number(parts.find((part) => part.type === type)!.value)
  const shown = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'))
  return new Date(asUtc - (shown - asUtc))
}

/** the issues a query selects, ordered as it asks */
export function runJql(site: FakeSite, jql: string, bounded: boolean): FakeIssue[] {
  const [where, order] = jql.split(/\s+ORDER BY\s+/i)
  const clauses = where.trim() ? where.trim().split(/\s+AND\s+/i) : []
  if (bounded && clauses.length === 0) {
    throw new JqlError(
      'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.'
    )
  }
  let issues = [...site.issues]
  for (const written of clauses) {
    // AND of simple clauses, parenthesised or not: enough for the incident query
    const clause = written
      .trim()
      .replace(/^\(+/, '')
      .replace(/(?<!\([^)]*)\)+$/, '')
    const updated = /^updated\s*>=\s*"([^"]+)"$/i.exec(clause.trim())
    const projects = /^project\s+in\s*\(([^)]*)\)$/i.exec(clause.trim())
    const equals = /^(priority|labels|key)\s*=\s*"?([^"]+?)"?$/i.exec(clause.trim())
    if (equals) {
      const [field, value] = [equals[1].toLowerCase(), equals[2]]
      issues = issues.filter((issue) =>
        field === 'priority'
          ? issue.priority === value
          : field === 'labels'
            ? issue.labels.includes(value)
            : issue.key === value
      )
    } else if (updated) {
      const since = zonedMoment(updated[1], site.timeZone)
      issues = issues.filter((issue) => issue.updated >= since)
    } else if (projects) {
      const keys = projects[1].split(',').map((key) => key.trim().replace(/"/g, ''))
      issues = issues.filter((issue) => keys.includes(issue.projectKey))
    } else {
      throw new JqlError(`The fake Jira does not understand '${clause}'.`)
    }
  }
  if (order && /^updated\s+ASC$/i.test(order.trim())) {
    issues.sort((a, b) => a.updated.getTime() - b.updated.getTime() || a.key.localeCompare(b.key))
  }
  return issues
}
