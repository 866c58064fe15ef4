import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { FencedDomainStore } from '#services/domain/domain_store'
import Product from '#models/product'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { createAccount } from '#tests/helpers/accounts'
import { insertProduct } from '#tests/helpers/insights'
import { WebClient } from '#tests/helpers/web_client'
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

  test('Product Detail lists the issues linked to its pull requests', async ({ assert }) => {
    addIssue(jira.site('c1'), {
      projectKey: 'ENG',
      summary: 'Login fails on Safari',
      type: 'Bug',
      sprints: [{ id: 7, name: 'ENG Sprint 7', state: 'active' }],
    })
    addIssue(jira.site('c1'), { projectKey: 'OPS' })
    const account = await createAccount({ role: 'viewer' })
    const organizationId = account.organization.id
    await writePulls(organizationId)
    const connection = await connectSite(account.organization, jira, 'c1')
    await new RunSync().execute({ connection, trigger: 'cli' })
    const [repository] = await db.from('repositories').where('organization_id', organizationId)
    const product = await Product.findOrFail(
      await insertProduct(organizationId, 'Core', [repository.id])
    )

    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const page = await web.get(
      `/insights/products/${product.publicId}?range=custom&from=2026-11-02&to=2026-11-08`
    )
    assert.equal(page.status, 200)
    assert.include(page.text, 'Issues linked to pull requests')
    assert.include(page.text, 'data-export="issues"')
    assert.include(page.text, 'Login fails on Safari')
    assert.include(page.text, 'ENG Sprint 7', 'the sprint it is in')
    assert.match(page.text, /<th scope="row">\s*ENG-1\s*<\/th>/)
    assert.match(page.text, /<th scope="row">\s*OPS-1\s*<\/th>/)

    // a week without those pull requests lists none
    const before = await web.get(
      `/insights/products/${product.publicId}?range=custom&from=2026-10-05&to=2026-10-11`
    )
    assert.include(before.text, 'No pull request in this period names an issue key.')
  })
})
