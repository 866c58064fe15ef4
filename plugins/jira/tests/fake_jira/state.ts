import type { Quota } from './quota.js'

/**
 * What the fake Jira holds: sites (Cloud, each with a cloud id), their
 * projects and issues with full status histories, the accounts and
 * tokens that may read them, and the dynamic webhooks apps registered.
 */

export type FakeUser = {
  accountId: string
  name: string
  displayName: string
  emailAddress?: string
}

export type FakeHistory = {
  id: string
  created: Date
  author: FakeUser
  items: Array<{
    field: string
    from: string | null
    fromString: string | null
    to: string | null
    toString: string | null
  }>
}

export type FakeIssue = {
  id: string
  key: string
  projectKey: string
  summary: string
  type: string
  status: string
  statusCategory: 'new' | 'indeterminate' | 'done'
  priority: string
  assignee: FakeUser | null
  reporter: FakeUser | null
  labels: string[]
  created: Date
  updated: Date
  resolved: Date | null
  histories: FakeHistory[]
  components?: string[]
  fixVersions?: string[]
  /** the sprints it was in, oldest first (Jira Software's Sprint field) */
  sprints?: FakeSprint[]
  /** a sub-task's parent, or the epic it sits under (team-managed projects) */
  parent?: { key: string; type: string }
  /** company-managed projects: the Epic Link field */
  epicLink?: string
  storyPoints?: number
}

/** a sprint, as issues' Sprint field and the Agile API show it */
export type FakeSprint = {
  id: number
  name: string
  state: 'active' | 'closed' | 'future'
  goal?: string
  startDate?: string
  endDate?: string
  completeDate?: string
}

/**
 * The custom fields Jira Software adds, with the ids a Cloud site
 * typically gives them (GET /rest/api/3/field); the plugin finds them by
 * their type, or story points by name.
 */
export const CUSTOM_FIELDS = {
  sprint: {
    id: 'customfield_10020',
    name: 'Sprint',
    custom: true,
    schema: {
      type: 'array',
      items: 'json',
      custom: 'com.pyxis.greenhopper.jira:gh-sprint',
      customId: 10020,
    },
  },
  epicLink: {
    id: 'customfield_10014',
    name: 'Epic Link',
    custom: true,
    schema: {
      type: 'any',
      custom: 'com.pyxis.greenhopper.jira:gh-epic-link',
      customId: 10014,
    },
  },
  storyPoints: {
    id: 'customfield_10016',
    name: 'Story point estimate',
    custom: true,
    schema: {
      type: 'number',
      custom: 'com.pyxis.greenhopper.jira:jsw-story-points',
      customId: 10016,
    },
  },
}

/** the standard fields /field lists beside them (a few of them) */
export const SYSTEM_FIELDS = [
  { id: 'summary', name: 'Summary', custom: false, schema: { type: 'string', system: 'summary' } },
  { id: 'labels', name: 'Labels', custom: false, schema: { type: 'array', system: 'labels' } },
  {
    id: 'components',
    name: 'Components',
    custom: false,
    schema: { type: 'array', items: 'component', system: 'components' },
  },
  {
    id: 'fixVersions',
    name: 'Fix versions',
    custom: false,
    schema: { type: 'array', items: 'version', system: 'fixVersions' },
  },
  { id: 'parent', name: 'Parent', custom: false, schema: { type: 'any', system: 'parent' } },
]

export type FakeProject = { id: string; key: string; name: string }

export type FakeSite = {
  id: string
  name: string
  url: string
  projects: FakeProject[]
  issues: FakeIssue[]
  /** the time zone of /myself: JQL dates are read in it */
  timeZone: string
  /** Jira Software's boards (/rest/agile/1.0/board); none without Jira Software */
  boards?: FakeBoard[]
  /** the site's groups (/rest/api/3/group/bulk); refused with 403 when null, as without "Browse users and groups" */
  groups?: FakeGroup[] | null
  /** Data Center's jira.ajax.autocomplete.limit: the most groups one picker answer holds (20 by default) */
  pickerLimit?: number
}

/** a group; on Data Center the members' `accountId` is their user name */
export type FakeGroup = {
  groupId: string
  name: string
  members: Array<{
    accountId: string
    displayName: string
    emailAddress?: string
    accountType?: string
  }>
}

export type FakeBoard = {
  id: number
  name: string
  type: 'scrum' | 'kanban'
  projectKey: string
  sprints: FakeSprint[]
}

export type FakeWebhook = {
  id: number
  site: string
  url: string
  events: string[]
  jqlFilter: string
  expirationDate: Date
}

export type RecordedRequest = {
  /** when it arrived (epoch ms) */
  at: number
  method: string
  path: string
  query: URLSearchParams
  status: number
  site: string | null
  authorization: string
  /** the keys of the issues a search answered with */
  issues?: string[]
}

export function emptyState() {
  return {
    sites: new Map<string, FakeSite>(),
    /** email → API token (Cloud Basic) */
    apiTokens: new Map<string, string>(),
    /** Data Center personal access tokens */
    personalTokens: new Set<string>(),
    /** live OAuth access tokens → the sites their grant reaches */
    accessTokens: new Map<string, string[]>(),
    /** refresh token → live or spent */
    refreshTokens: new Map<string, 'live' | 'spent'>(),
    codes: new Map<string, { redirectUri: string }>(),
    refreshes: 0,
    rejectedRefreshes: 0,
    /** the sites a new grant reaches */
    grantSites: [] as string[],
    webhooks: new Map<number, FakeWebhook>(),
    /** admin webhooks (/rest/webhooks/1.0/webhook), with their secret */
    adminWebhooks: new Map<
      string,
      { url: string; events: string[]; filter: string; secret: string }
    >(),
    /** whether the root site's account is a Jira administrator */
    rootAdmin: false,
    nextWebhookId: 1000,
    /** answer the next n API requests with 429 and this Retry-After (seconds) */
    throttle: { remaining: 0, retryAfter: 1 },
    /** the points quota OAuth apps spend (quota.ts); null: unlimited */
    quota: null as Quota | null,
    requests: [] as RecordedRequest[],
  }
}

export type FakeState = ReturnType<typeof emptyState>

/** Jira's timestamp format: 2024-01-02T03:04:05.000+0000 */
export function jiraTime(moment: Date) {
  return moment.toISOString().replace('Z', '+0000')
}

export const CATEGORY_NAMES = { new: 'To Do', indeterminate: 'In Progress', done: 'Done' }
