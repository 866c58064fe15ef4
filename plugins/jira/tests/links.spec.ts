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
 * Jira issues and GitHub pull requests find each other by the issue key
 * a pull request names in its title or branch, whichever is written
 * first; keys of projects the organisation does not have link nothing.
 */
function github(organizationId: number) {
  return new FencedDomainStore({ organizationId, provider: 'github', connectionId: null }, () => {})
}

async function writePulls(organizationId: number) {
  const store = github(organizationId)
  await store.upsertRepositories([{ externalId: '1', name: 'api', fullName: 'acme/api' }])
  const pull = (number: number, title: string, headRef: string) => ({
    externalId: `pr-${number}`,
    repositoryExternalId: '1',
    number,
    title,
    headRef,
    state: 'open' as const,
    openedAt: '2026-11-03T10:00:00.000Z',
  })
  await store.upsertPullRequests([
    pull(1, 'ENG-1: retry the login', 'main-fix'),
    pull(2, 'Retry payments', 'feature/ops-1-retry-payments'),
    pull(3, 'Support UTF-8 and ABC-9', 'misc'),
  ])
}

async function links(organizationId: number) {
  const rows = await db
    .from('issue_pull_requests')
    .join('issues', 'issues.id', 'issue_pull_requests.issue_id')
    .join('pull_requests', 'pull_requests.id', 'issue_pull_requests.pull_request_id')
    .where('issue_pull_requests.organization_id', organizationId)
    .orderBy('issues.key')
    .select('issues.key as key', 'pull_requests.number as number')
  return rows.map((row) => `${row.key} ↔ #${row.number}`)
}

test.group('Jira | issues linked to pull requests', (group) => {
  let jira: FakeJira
  group.setup(async () => {
    jira = await startJira()
    return () => jira.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => jira.reset())

  test('pull requests written first are linked when the issues arrive', async ({ assert }) => {
    addIssue(jira.site('c1'), { projectKey: 'ENG' })
    addIssue(jira.site('c1'), { projectKey: 'OPS' })
    const organization = await createOrganization()
    await writePulls(organization.id)
    assert.deepEqual(await links(organization.id), [])

    const connection = await connectSite(organization, jira, 'c1')
    await new RunSync().execute({ connection, trigger: 'cli' })
    assert.deepEqual(await links(organization.id), ['ENG-1 ↔ #1', 'OPS-1 ↔ #2'])
  })

  test('issues synced first are linked when the pull requests arrive, once however often', async ({
    assert,
  }) => {
    addIssue(jira.site('c1'), { projectKey: 'ENG' })
    addIssue(jira.site('c1'), { projectKey: 'OPS' })
    const organization = await createOrganization()
    const connection = await connectSite(organization, jira, 'c1')
    await new RunSync().execute({ connection, trigger: 'cli' })
    await writePulls(organization.id)
    await writePulls(organization.id)
    await new RunSync().execute({ connection, trigger: 'cli', full: true })
    assert.deepEqual(await links(organization.id), ['ENG-1 ↔ #1', 'OPS-1 ↔ #2'])
  })

  test('another organisation with the same keys links nothing of this one', async ({ assert }) => {
    addIssue(jira.site('c1'), { projectKey: 'ENG' })
    const mine = await createOrganization()
    const theirs = await createOrganization()
    await writePulls(theirs.id)
    await new RunSync().execute({ connection: await connectSite(mine, jira, 'c1'), trigger: 'cli' })
    assert.deepEqual(await links(mine.id), [])
    assert.deepEqual(await links(theirs.id), [])
  })
})
