import { createHash } from 'node:crypto'
import type {
  ContributorInput,
  DemoContext,
  IssueInput,
  IssueTransitionInput,
  SprintInput,
} from '#plugin-sdk'

/**
 * Jira-shaped history for the demo organisation: two projects whose
 * issues walk To Do → In Progress → In Review → Done with their status
 * histories, a fifth of them bugs, and incidents resolved within hours
 * (time to restore). LAUNCH plans in two-week sprints on its board, with
 * story points, so Product Detail's sprint table has something to show.
 * Upserted by stable ids, so it is safe to run again.
 */
const PROJECTS = ['LAUNCH', 'OPS']
const ISSUES_PER_PROJECT = 60
const DAY = 86_400_000
const HOUR = 3_600_000
const PEOPLE: ContributorInput[] = [
  { externalId: 'demo-jira-ada', login: 'demo-jira-ada', name: 'Ada Lovelace' },
  { externalId: 'demo-jira-grace', login: 'demo-jira-grace', name: 'Grace Hopper' },
  { externalId: 'demo-jira-mary', login: 'demo-jira-mary', name: 'Mary Jackson' },
]

function unit(seed: string) {
  return createHash('sha1').update(`demo-jira:${seed}`).digest().readUInt32BE(0) / 0xffffffff
}

function kindOf(project: string, number: number) {
  if (project === 'OPS' && number % 6 === 0) return 'incident'
  return number % 5 === 0 ? 'bug' : number % 7 === 0 ? 'task' : 'story'
}

const SPRINT_DAYS = 14
const FIRST_SPRINT_DAYS_AGO = 91

/** LAUNCH's sprints: two weeks each, from 91 days ago; the one holding now is active */
function sprints(now: number): SprintInput[] {
  const found: SprintInput[] = []
  for (let index = 0; ; index += 1) {
    const start = now - (FIRST_SPRINT_DAYS_AGO - index * SPRINT_DAYS) * DAY
    if (start > now) return found
    const end = start + SPRINT_DAYS * DAY
    found.push({
      externalId: `demo-jira-sprint-${index + 1}`,
      name: `LAUNCH Sprint ${index + 1}`,
      state: end <= now ? 'closed' : 'active',
      goal: null,
      boardExternalId: 'demo-jira-board-launch',
      boardName: 'LAUNCH board',
      startAt: new Date(start),
      endAt: new Date(end),
      completedAt: end <= now ? new Date(end) : null,
    })
  }
}

/** the sprint a LAUNCH issue was planned in: the one it was opened in */
function sprintOf(project: string, opened: number, now: number) {
  if (project !== 'LAUNCH') return null
  const index = Math.floor((opened - (now - FIRST_SPRINT_DAYS_AGO * DAY)) / (SPRINT_DAYS * DAY))
  return index >= 0 ? `LAUNCH Sprint ${index + 1}` : null
}

function issue(project: string, number: number, now: number): IssueInput {
  const seed = `${project}-${number}`
  const type = kindOf(project, number)
  const opened = now - (90 - (number * 88) / ISSUES_PER_PROJECT) * DAY
  const incident = type === 'incident'
  const started = opened + (incident ? 0.2 : 4 + unit(`${seed}:wait`) * 60) * HOUR
  const reviewed = started + (incident ? 1 : 8 + unit(`${seed}:work`) * 72) * HOUR
  const done =
    reviewed + (incident ? 0.5 + unit(`${seed}:fix`) * 5 : 2 + unit(`${seed}:review`) * 30) * HOUR
  const transitions: IssueTransitionInput[] = []
  const reach = (
    at: number,
    from: string,
    to: string,
    toCategory: IssueTransitionInput['toCategory']
  ) => {
    if (at <= now) transitions.push({ at: new Date(at), from, to, toCategory })
  }
  reach(started, 'To Do', 'In Progress', 'in_progress')
  reach(reviewed, 'In Progress', 'In Review', 'in_progress')
  reach(done, 'In Review', 'Done', 'done')
  const last = transitions.at(-1)
  const assignee = PEOPLE[Math.floor(unit(`${seed}:who`) * PEOPLE.length)]
  return {
    externalId: `demo-jira-${seed}`,
    key: seed,
    projectKey: project,
    title: incident
      ? `Incident: ${project.toLowerCase()} degraded (${number})`
      : `${project} work item ${number}`,
    type,
    status: last?.to ?? 'To Do',
    statusCategory: last?.toCategory ?? 'todo',
    priority: incident ? 'Highest' : ['Low', 'Medium', 'High'][number % 3],
    assigneeLogin: assignee.login,
    reporterLogin: PEOPLE[number % PEOPLE.length].login,
    url: `https://acme-rockets.atlassian.net/browse/${seed}`,
    openedAt: new Date(opened),
    resolvedAt: last?.to === 'Done' ? last.at : null,
    remoteUpdatedAt: last?.at ?? new Date(opened),
    transitions,
    sprint: sprintOf(project, opened, now),
    storyPoints: project === 'LAUNCH' && type !== 'bug' ? [1, 2, 3, 5, 8][number % 5] : null,
  }
}

export async function populateDemoData({ store, now }: DemoContext) {
  await store.upsertContributors(PEOPLE)
  await store.upsertSprints(sprints(now))
  for (const project of PROJECTS) {
    const rows: IssueInput[] = []
    for (let number = 1; number <= ISSUES_PER_PROJECT; number++)
      rows.push(issue(project, number, now))
    await store.upsertIssues(rows)
  }
}
