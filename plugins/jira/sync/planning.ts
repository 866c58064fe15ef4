import { ISSUE_FIELDS, type JiraIssue } from './mappers.js'

/**
 * How Jira Software plans an issue: labels, components, fix versions,
 * the sprint, the parent and epic, and story points. The sprint, Epic
 * Link and story-point fields are custom fields whose ids differ from
 * site to site: they are found once per sync through /field.
 */

/**
 * The site's ids of the custom fields Jira Software adds (found by their
 * type, or story points by name: sites name the field differently).
 */
export type PlanningFields = {
  sprint?: string
  epicLink?: string
  storyPoints?: string[]
}

/** the fields a search asks for: the standard ones and the site's planning fields */
export function issueFields(fields: PlanningFields): string[] {
  return [
    ...ISSUE_FIELDS,
    ...[fields.sprint, fields.epicLink, ...(fields.storyPoints ?? [])].filter((id): id is string =>
      Boolean(id)
    ),
  ]
}

export type JiraField = {
  id: string
  name?: string
  custom?: boolean
  schema?: { custom?: string }
}

const STORY_POINT_NAMES = ['story point estimate', 'story points']

/** the planning fields among the site's fields (GET /rest/api/3/field) */
export function planningFields(all: JiraField[]): PlanningFields {
  const byType = (type: string) => all.find((field) => field.schema?.custom === type)?.id
  const storyPoints = STORY_POINT_NAMES.flatMap((name) =>
    all.filter((field) => field.custom && field.name?.trim().toLowerCase() === name)
  ).map((field) => field.id)
  return {
    sprint: byType('com.pyxis.greenhopper.jira:gh-sprint'),
    epicLink: byType('com.pyxis.greenhopper.jira:gh-epic-link'),
    storyPoints,
  }
}

type Sprint = { name?: string; state?: string }

/**
 * A sprint field's value: Cloud sends objects, Data Center strings such
 * as "com.atlassian.greenhopper.service.sprint.Sprint@1f[id=3,state=ACTIVE,name=Sprint 3,…]".
 */
function sprintsOf(value: unknown): Sprint[] {
  if (!Array.isArray(value)) return []
  return value.map((entry) => {
    if (typeof entry !== 'string') return (entry ?? {}) as Sprint
    const part = (key: string) => new RegExp(`[\\[,]${key}=([^,\\]]*)`).exec(entry)?.[1]
    return { name: part('name'), state: part('state')?.toLowerCase() }
  })
}

/** the sprint an issue is in: the active one, else the latest it was in */
export function currentSprint(value: unknown): string | null {
  const sprints = sprintsOf(value).filter((sprint) => sprint.name)
  return (sprints.find((sprint) => sprint.state === 'active') ?? sprints.at(-1))?.name ?? null
}

function namesOf(list: Array<{ name?: string }> | undefined): string[] {
  return (list ?? []).map((entry) => entry.name).filter((name): name is string => Boolean(name))
}

/** labels, components, fix versions, sprint, parent, epic and story points */
export function planningOf(issue: JiraIssue, fields: PlanningFields) {
  const parent = issue.fields.parent
  const parentIsEpic =
    parent?.fields?.issuetype?.hierarchyLevel === 1 ||
    parent?.fields?.issuetype?.name?.toLowerCase() === 'epic'
  const custom = (id: string | undefined) =>
    id ? (issue.fields as Record<string, unknown>)[id] : undefined
  const epicLink = custom(fields.epicLink)
  const points = (fields.storyPoints ?? []).map(custom).find((value) => typeof value === 'number')
  return {
    labels: issue.fields.labels ?? [],
    components: namesOf(issue.fields.components),
    fixVersions: namesOf(issue.fields.fixVersions),
    sprint: currentSprint(custom(fields.sprint)),
    parentKey: parent?.key ?? null,
    epicKey: parentIsEpic ? (parent?.key ?? null) : typeof epicLink === 'string' ? epicLink : null,
    storyPoints: typeof points === 'number' ? points : null,
  }
}
