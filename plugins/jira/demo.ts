import { createHash } from 'node:crypto'
import type { ContributorInput, DemoContext, IssueInput, IssueTransitionInput } from '#plugin-sdk'

/**
 * Jira-shaped history for the demo organisation: two projects whose
 * issues walk To Do → In Progress → In Review → Done with their status
 * histories, a fifth of them bugs, and incidents resolved within hours
 * (time to restore). Upserted by stable ids, so it is safe to run again.
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
  }
}

export async function populateDemoData({ store, now }: DemoContext) {
  await store.upsertContributors(PEOPLE)
  for (const project of PROJECTS) {
    const rows: IssueInput[] = []
    for (let number = 1; number <= ISSUES_PER_PROJECT; number++)
      rows.push(issue(project, number, now))
    await store.upsertIssues(rows)
  }
}
