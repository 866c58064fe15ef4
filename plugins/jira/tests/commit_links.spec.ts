import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { FencedDomainStore } from '#services/domain/domain_store'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import type { FakeJira } from './fake_jira/server.js'
import { addIssue } from './fake_jira/seed.js'
import { connectSite, startJira } from './testbed.js'

/**
 * Jira issues and commits from any code provider find each other by the
 * issue keys a commit message names, whichever is written first; keys of
 * issues the organisation does not have link nothing.
 */
async function writeCommits(organizationId: number) {
  const store = new FencedDomainStore(
    { organizationId, provider: 'github', connectionId: null },
    () => {}
  )
  await store.upsertRepositories([{ externalId: '1', name: 'api', fullName: 'acme/api' }])
  const commit = (sha: string, message: string) => ({
    repositoryExternalId: '1',
    sha,
    message,
    committedAt: '2026-11-03T10:00:00.000Z',
  })
  await store.upsertCommits([
    commit('a1', 'ENG-1: retry the login\n\nAlso touches OPS-1.'),
    commit('b2', 'Support UTF-8 and ABC-9'),
    commit('c3', 'fix eng-1 typo'),
  ])
}

/** two pull requests in acme/api, one listing a1 (naming ENG-1 and OPS-1), one listing c3 only; one in acme/web listing a1's SHA */
async function writePullRequests(organizationId: number) {
  const store = new FencedDomainStore(
    { organizationId, provider: 'github', connectionId: null },
    () => {}
  )
  await store.upsertRepositories([
    { externalId: '1', name: 'api', fullName: 'acme/api' },
    { externalId: '2', name: 'web', fullName: 'acme/web' },
  ])
  const pull = (externalId: string, repositoryExternalId: string, commitShas: string[]) => ({
    externalId,
    repositoryExternalId,
    number: Number(externalId),
    title: 'Retry the login',
    headRef: 'retry-login',
    state: 'open' as const,
    openedAt: '2026-11-03T11:00:00.000Z',
    commitShas,
  })
  await store.upsertPullRequests([
    pull('11', '1', ['c3', 'a1']),
    pull('12', '1', ['c3']),
    pull('13', '2', ['a1']),
  ])
}

async function pullLinks(organizationId: number) {
  const rows = await db
    .from('issue_pull_requests')
    .join('issues', 'issues.id', 'issue_pull_requests.issue_id')
    .join('pull_requests', 'pull_requests.id', 'issue_pull_requests.pull_request_id')
    .where('issue_pull_requests.organization_id', organizationId)
    .orderBy(['issues.key', 'pull_requests.number'])
    .select('issues.key as key', 'pull_requests.number as number')
  return rows.map((row) => `${row.key} ↔ #${row.number}`)
}

async function links(organizationId: number) {
  const rows = await db
    .from('issue_commits')
    .join('issues', 'issues.id', 'issue_commits.issue_id')
    .join('commits', 'commits.id', 'issue_commits.commit_id')
    .where('issue_commits.organization_id', organizationId)
    .orderBy('issues.key')
    .select('issues.key as key', 'commits.sha as sha')
  return rows.map((row) => `${row.key} ↔ ${row.sha}`)
}

test.group('Jira | issues linked to commits', (group) => {
  let jira: FakeJira
  group.setup(async () => {
    jira = await startJira()
    return () => jira.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => jira.reset())

  test('commits written first are linked when the issues arrive', async ({ assert }) => {
    addIssue(jira.site('c1'), { projectKey: 'ENG' })
    addIssue(jira.site('c1'), { projectKey: 'OPS' })
    const organization = await createOrganization()
    await writeCommits(organization.id)
    assert.deepEqual(await links(organization.id), [])

    const connection = await connectSite(organization, jira, 'c1')
    await new RunSync().execute({ connection, trigger: 'cli' })
    assert.deepEqual(await links(organization.id), ['ENG-1 ↔ a1', 'OPS-1 ↔ a1'])
  })

  test('issues synced first are linked when the commits arrive, once however often', async ({
    assert,
  }) => {
    addIssue(jira.site('c1'), { projectKey: 'ENG' })
    addIssue(jira.site('c1'), { projectKey: 'OPS' })
    const organization = await createOrganization()
    const connection = await connectSite(organization, jira, 'c1')
    await new RunSync().execute({ connection, trigger: 'cli' })
    await writeCommits(organization.id)
    await writeCommits(organization.id)
    assert.deepEqual(await links(organization.id), ['ENG-1 ↔ a1', 'OPS-1 ↔ a1'])

    await new RunSync().execute({ connection, trigger: 'cli', full: true })
    assert.deepEqual(await links(organization.id), ['ENG-1 ↔ a1', 'OPS-1 ↔ a1'])
  })

  test('another organisation with the same keys links nothing of this one', async ({ assert }) => {
    addIssue(jira.site('c1'), { projectKey: 'ENG' })
    const mine = await createOrganization()
    const theirs = await createOrganization()
    await writeCommits(theirs.id)
    await new RunSync().execute({ connection: await connectSite(mine, jira, 'c1'), trigger: 'cli' })
    assert.deepEqual(await links(mine.id), [])
    assert.deepEqual(await links(theirs.id), [])
  })

  const orders: Array<[string, Array<'issues' | 'commits' | 'pulls'>]> = [
    ['issues, commits, pull requests', ['issues', 'commits', 'pulls']],
    ['pull requests, commits, issues', ['pulls', 'commits', 'issues']],
    ['issues, pull requests, commits', ['issues', 'pulls', 'commits']],
    ['commits, pull requests, issues', ['commits', 'pulls', 'issues']],
  ]
  for (const [name, order] of orders) {
    test(`a pull request whose commits name issue keys is linked to them (${name})`, async ({
      assert,
    }) => {
      addIssue(jira.site('c1'), { projectKey: 'ENG' })
      addIssue(jira.site('c1'), { projectKey: 'OPS' })
      const organization = await createOrganization()
      const connection = await connectSite(organization, jira, 'c1')
      for (const step of order) {
        if (step === 'issues') await new RunSync().execute({ connection, trigger: 'cli' })
        if (step === 'commits') await writeCommits(organization.id)
        if (step === 'pulls') await writePullRequests(organization.id)
      }
      // #12 lists only c3 ("eng-1" in lower case names nothing); #13 is another repository's
      assert.deepEqual(await pullLinks(organization.id), ['ENG-1 ↔ #11', 'OPS-1 ↔ #11'])
    })
  }

  test('commits of another organisation link none of its pull requests', async ({ assert }) => {
    addIssue(jira.site('c1'), { projectKey: 'ENG' })
    const mine = await createOrganization()
    const theirs = await createOrganization()
    await new RunSync().execute({ connection: await connectSite(mine, jira, 'c1'), trigger: 'cli' })
    await writeCommits(mine.id)
    await writePullRequests(theirs.id)
    assert.deepEqual(await pullLinks(mine.id), [])
    assert.deepEqual(await pullLinks(theirs.id), [])
  })
})
