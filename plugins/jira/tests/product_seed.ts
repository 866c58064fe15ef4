import type { FakeJira } from './fake_jira/server.js'
import type { FakeSprint } from './fake_jira/state.js'
import { addIssue } from './fake_jira/seed.js'

/**
 * Issues with histories, sprints and story points for Product Detail's
 * issue flow and sprint tables (product_flow.spec.ts and the browser).
 */
const SPRINT_7: FakeSprint = {
  id: 7,
  name: 'ENG Sprint 7',
  state: 'closed',
  startDate: '2026-10-26T09:00:00.000Z',
  endDate: '2026-11-06T09:00:00.000Z',
  completeDate: '2026-11-06T17:00:00.000Z',
}
const SPRINT_8: FakeSprint = {
  id: 8,
  name: 'ENG Sprint 8',
  state: 'active',
  startDate: '2026-11-06T18:00:00.000Z',
  endDate: '2026-11-20T09:00:00.000Z',
}
const SPRINT_3: FakeSprint = {
  id: 3,
  name: 'ENG Sprint 3',
  state: 'closed',
  startDate: '2026-08-03T09:00:00.000Z',
  endDate: '2026-08-17T09:00:00.000Z',
  completeDate: '2026-08-17T09:00:00.000Z',
}

const at = (iso: string) => new Date(iso)

/** a site whose ENG board ran sprints 3, 7 (closed) and 8 (active), with four ENG issues and one of OPS */
export function seedSprintSite(jira: FakeJira) {
  const site = jira.site('c1')
  site.boards = [
    {
      id: 1,
      name: 'ENG board',
      type: 'scrum',
      projectKey: 'ENG',
      sprints: [SPRINT_3, SPRINT_7, SPRINT_8],
    },
  ]
  // ENG-1: 2 h to do, 24 h in progress, resolved in sprint 7
  addIssue(site, {
    projectKey: 'ENG',
    created: at('2026-11-02T09:00:00Z'),
    startedAfter: 2,
    doneAfter: 26,
    sprints: [SPRINT_7],
    storyPoints: 3,
  })
  // ENG-2: unfinished in sprint 7, carried into sprint 8
  addIssue(site, {
    projectKey: 'ENG',
    created: at('2026-11-02T09:00:00Z'),
    startedAfter: 4,
    sprints: [SPRINT_7, SPRINT_8],
    storyPoints: 5,
  })
  // ENG-3: resolved after sprint 7 was completed (and after the week)
  addIssue(site, {
    projectKey: 'ENG',
    created: at('2026-11-02T09:00:00Z'),
    startedAfter: 1,
    doneAfter: 200,
    sprints: [SPRINT_7],
    storyPoints: 2,
  })
  // ENG-4: 1 h to do, 4 h in progress, resolved in the active sprint 8
  addIssue(site, {
    projectKey: 'ENG',
    created: at('2026-11-06T19:00:00Z'),
    startedAfter: 1,
    doneAfter: 5,
    sprints: [SPRINT_8],
    storyPoints: 1,
  })
  // OPS is not the product's: its issue and sprint stay out
  addIssue(site, {
    projectKey: 'OPS',
    created: at('2026-11-02T09:00:00Z'),
    startedAfter: 1,
    doneAfter: 2,
    sprints: [{ ...SPRINT_7, id: 70, name: 'OPS Sprint 1' }],
  })
  site.boards.push({
    id: 2,
    name: 'OPS board',
    type: 'scrum',
    projectKey: 'OPS',
    sprints: [{ ...SPRINT_7, id: 70, name: 'OPS Sprint 1' }],
  })
}
