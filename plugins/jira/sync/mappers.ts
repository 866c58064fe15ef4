import type { ContributorInput, IssueInput, IssueTransitionInput } from '#plugin-sdk'
import type { Edition } from '../client.js'
import { planningOf, type PlanningFields } from './planning.js'

/**
 * Jira's issues and users as the domain model's rows. Which issue types
 * (and labels) are bugs and incidents is a per-connection mapping, with
 * defaults that fit Jira's stock types and incident management.
 */

export type JiraUser = {
  accountId?: string
  accountType?: string
  key?: string
  name?: string
  displayName?: string
  emailAddress?: string
}

export type JiraHistory = {
  id: string
  created: string
  items: Array<{ field: string; fromString?: string | null; toString?: string | null }>
}

export type JiraIssue = {
  id: string
  key: string
  fields: {
    summary?: string
    issuetype?: { name?: string }
    status?: { name?: string; statusCategory?: { key?: string } }
    priority?: { name?: string } | null
    assignee?: JiraUser | null
    reporter?: JiraUser | null
    labels?: string[]
    created: string
    updated?: string
    resolutiondate?: string | null
    project?: { key?: string }
    components?: Array<{ name?: string }>
    fixVersions?: Array<{ name?: string }>
    parent?: { key?: string; fields?: { issuetype?: { name?: string; hierarchyLevel?: number } } }
    /** custom fields (sprint, epic link, story points), by their site's ids */
    [custom: `customfield_${string}`]: unknown
  }
  changelog?: { startAt?: number; maxResults?: number; total?: number; histories?: JiraHistory[] }
}

/** the fields the sync asks for: nothing else is read */
export const ISSUE_FIELDS = [
  'summary',
  'issuetype',
  'status',
  'priority',
  'assignee',
  'reporter',
  'labels',
  'created',
  'updated',
  'resolutiondate',
  'project',
  'components',
  'fixVersions',
  'parent',
]

export type IssueTypeMapping = {
  bug: string[]
  incident: string[]
  /** labels that make any issue an incident */
  incidentLabels: string[]
}

export const DEFAULT_MAPPING: IssueTypeMapping = {
  bug: ['bug', 'defect'],
  incident: ['incident', 'outage', 'major incident', 'post-incident review'],
  incidentLabels: ['incident', 'outage'],
}

const STORY_TYPES = ['story', 'feature', 'new feature', 'improvement', 'user story']
const TASK_TYPES = ['task', 'sub-task', 'subtask', 'chore', 'spike']

function lowerList(value: unknown, fallback: string[]) {
  if (!Array.isArray(value)) return fallback
  return value.map((entry) => String(entry).trim().toLowerCase()).filter(Boolean)
}

/** the connection's mapping (config.issueTypes), else the defaults */
export function mappingOf(config: Record<string, unknown>): IssueTypeMapping {
  const custom = (config.issueTypes ?? {}) as Record<string, unknown>
  return {
    bug: lowerList(custom.bug, DEFAULT_MAPPING.bug),
    incident: lowerList(custom.incident, DEFAULT_MAPPING.incident),
    incidentLabels: lowerList(custom.incidentLabels, DEFAULT_MAPPING.incidentLabels),
  }
}

export function issueKind(issue: JiraIssue, mapping: IssueTypeMapping): string {
  const type = (issue.fields.issuetype?.name ?? '').trim().toLowerCase()
  const labels = (issue.fields.labels ?? []).map((label) => label.toLowerCase())
  if (
    mapping.incident.includes(type) ||
    labels.some((label) => mapping.incidentLabels.includes(label))
  ) {
    return 'incident'
  }
  if (mapping.bug.includes(type)) return 'bug'
  if (type === 'epic') return 'epic'
  if (STORY_TYPES.includes(type)) return 'story'
  if (TASK_TYPES.includes(type)) return 'task'
  return 'other'
}

/** Jira writes offsets without a colon (+0000); make them ISO 8601 */
export function jiraDate(value: string | null | undefined): string | null {
  if (!value) return null
  return value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
}

const CATEGORIES: Record<string, IssueInput['statusCategory']> = {
  new: 'todo',
  indeterminate: 'in_progress',
  done: 'done',
}

export function statusCategory(issue: JiraIssue): IssueInput['statusCategory'] {
  return CATEGORIES[issue.fields.status?.statusCategory?.key ?? ''] ?? 'todo'
}

/** an account as the identity layer knows it: Cloud by account id, Data Center by user name */
export function userLogin(user: JiraUser | null | undefined): string | null {
  if (!user) return null
  return user.accountId ?? user.name ?? user.key ?? null
}

export function contributorOf(user: JiraUser, edition: Edition): ContributorInput | null {
  const login = userLogin(user)
  if (!login) return null
  return {
    externalId: login,
    login,
    name: user.displayName ?? null,
    email: user.emailAddress ?? null,
    // Atlassian accounts verify their email; a Data Center admin may type any address
    emailVerified: edition === 'cloud' && Boolean(user.emailAddress),
    isBot: user.accountType === 'app',
  }
}

/** the status changes of a history, oldest first */
export function transitionsOf(issue: JiraIssue, histories: JiraHistory[]): IssueTransitionInput[] {
  const current = issue.fields.status?.name
  return histories
    .flatMap((history) =>
      history.items
        .filter((item) => item.field === 'status' && item.toString)
        .map((item) => ({
          at: jiraDate(history.created)!,
          from: item.fromString ?? null,
          to: item.toString!,
        }))
    )
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    .map((transition, index, all) => ({
      ...transition,
      // the category is known for the status the issue is in now
      toCategory:
        index === all.length - 1 && transition.to === current ? statusCategory(issue) : null,
    }))
}

export function issueRow(
  issue: JiraIssue,
  histories: JiraHistory[],
  options: {
    mapping: IssueTypeMapping
    browseUrl: string
    /** the site's account key: issue ids are unique within a site only */
    site: string
    /** the site's planning fields (config.fields), when known */
    fields?: PlanningFields
  }
): IssueInput {
  const category = statusCategory(issue)
  return {
    externalId: `${options.site}:${issue.id}`,
    key: issue.key,
    projectKey: issue.fields.project?.key ?? issue.key.split('-')[0],
    title: issue.fields.summary ?? issue.key,
    type: issueKind(issue, options.mapping),
    status: (issue.fields.status?.name ?? 'Unknown').slice(0, 64),
    statusCategory: category,
    priority: issue.fields.priority?.name?.slice(0, 32) ?? null,
    assigneeLogin: userLogin(issue.fields.assignee),
    reporterLogin: userLogin(issue.fields.reporter),
    url: `${options.browseUrl}/browse/${issue.key}`,
    openedAt: jiraDate(issue.fields.created)!,
    resolvedAt: category === 'done' ? jiraDate(issue.fields.resolutiondate) : null,
    remoteUpdatedAt: jiraDate(issue.fields.updated),
    transitions: transitionsOf(issue, histories),
    ...planningOf(issue, options.fields ?? {}),
  }
}
