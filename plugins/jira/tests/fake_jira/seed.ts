import type { FakeIssue, FakeSite, FakeUser } from './state.js'

/**
 * Issues for the fake Jira: each walks To Do → In Progress → Done (or
 * stops on the way) with a status history as Jira records it.
 */

export const PEOPLE: FakeUser[] = [
  {
    accountId: '5b10a2844c20165700ede21g',
    name: 'ada',
    displayName: 'Ada Byron',
    emailAddress: 'ada@example.com',
  },
  {
    accountId: '5b10a2844c20165700ede21h',
    name: 'linus',
    displayName: 'Linus T',
    emailAddress: 'linus@example.com',
  },
]

const HOUR = 3_600_000

type IssueSeed = Partial<Omit<FakeIssue, 'histories'>> & {
  projectKey: string
  /** hours after creation the issue moved to In Progress and Done */
  startedAfter?: number | null
  doneAfter?: number | null
  /** extra back-and-forth transitions, to make long histories */
  churn?: number
}

export function addIssue(site: FakeSite, seed: IssueSeed): FakeIssue {
  if (!site.projects.some((project) => project.key === seed.projectKey)) {
    site.projects.push({
      id: String(10_000 + site.projects.length),
      key: seed.projectKey,
      name: `${seed.projectKey} project`,
    })
  }
  const number = site.issues.filter((issue) => issue.projectKey === seed.projectKey).length + 1
  const created = seed.created ?? new Date(Date.UTC(2026, 10, 2, 9))
  const author = seed.reporter ?? PEOPLE[1]
  const histories: FakeIssue['histories'] = []
  let at = created.getTime()
  const move = (hoursAfter: number, from: string, to: string) => {
    at = created.getTime() + hoursAfter * HOUR
    histories.push({
      id: String(100_000 + site.issues.length * 1000 + histories.length),
      created: new Date(at),
      author,
      items: [{ field: 'status', from: null, fromString: from, to: null, toString: to }],
    })
  }
  let status = 'To Do'
  let category: FakeIssue['statusCategory'] = 'new'
  for (let index = 0; index < (seed.churn ?? 0); index += 1) {
    move(index * 0.01 + 0.01, 'To Do', 'In Progress')
    move(index * 0.01 + 0.015, 'In Progress', 'To Do')
  }
  if (seed.startedAfter !== undefined && seed.startedAfter !== null) {
    move(seed.startedAfter, status, 'In Progress')
    status = 'In Progress'
    category = 'indeterminate'
  }
  let resolved: Date | null = null
  if (seed.doneAfter !== undefined && seed.doneAfter !== null) {
    move(seed.doneAfter, status, 'Done')
    status = 'Done'
    category = 'done'
    resolved = new Date(at)
  }
  const issue: FakeIssue = {
    id: String(20_000 + site.issues.length),
    key: `${seed.projectKey}-${number}`,
    summary: `Issue ${number} of ${seed.projectKey}`,
    type: 'Story',
    priority: 'Medium',
    assignee: PEOPLE[0],
    reporter: author,
    labels: [],
    ...seed,
    projectKey: seed.projectKey,
    status,
    statusCategory: category,
    created,
    updated: new Date(Math.max(at, created.getTime())),
    resolved,
    histories,
  }
  site.issues.push(issue)
  return issue
}

/** `count` issues spread over `projects`, one minute apart */
export function seedIssues(site: FakeSite, projects: string[], count: number) {
  const start = Date.UTC(2026, 9, 1)
  for (let index = 0; index < count; index += 1) {
    addIssue(site, {
      projectKey: projects[index % projects.length],
      type: index % 5 === 0 ? 'Bug' : 'Story',
      created: new Date(start + index * 60_000),
      startedAfter: index % 3 === 0 ? null : 1,
      doneAfter: index % 3 === 2 ? 5 : null,
    })
  }
}

/** the issue changes on Jira now: it moves to Done and is updated */
export function touch(issue: FakeIssue, when = new Date()) {
  issue.histories.push({
    id: String(900_000 + issue.histories.length + Number(issue.id)),
    created: when,
    author: PEOPLE[0],
    items: [{ field: 'status', from: null, fromString: issue.status, to: null, toString: 'Done' }],
  })
  issue.status = 'Done'
  issue.statusCategory = 'done'
  issue.resolved = when
  issue.updated = when
}
