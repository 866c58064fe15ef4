import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { FencedDomainStore } from '#services/domain/domain_store'
import { publicIds } from '#services/public_id'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import { resetDatabase } from '#tests/helpers/database'
import { createConnection } from '#tests/helpers/connections'
import { createAccount, type TestAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import { deliverToFixture } from '#tests/helpers/fixture_deliveries'

/**
 * One person whatever the provider: an engineer's GitHub account and
 * their account on the fixture provider (written by the fixture plugin's
 * webhook) are one person when they share a verified email or the
 * provider links them; admins merge and split by hand; contributor
 * metrics count people.
 */
const WEEK = '/insights?range=custom&from=2026-03-02&to=2026-03-08'

function githubStore(organizationId: number) {
  return new FencedDomainStore({ organizationId, provider: 'github', connectionId: null }, () => {})
}

/** GitHub's side: an account, and a pull request it opened in the week */
async function githubAuthor(organizationId: number, email: string | null, login = 'octo-ada') {
  const store = githubStore(organizationId)
  await store.upsertRepositories([
    { externalId: '1001', name: 'api', fullName: 'acme/api', url: 'https://github.com/acme/api' },
  ])
  await store.upsertContributors([{ externalId: '7', login, email, emailVerified: email !== null }])
  await store.upsertPullRequests([
    {
      externalId: 'gh-pr-1',
      repositoryExternalId: '1001',
      number: 1,
      title: 'On GitHub',
      state: 'open',
      authorLogin: login,
      openedAt: '2026-03-03T10:00:00.000Z',
    },
  ])
}

/** the fixture provider's side, through its webhook */
async function fixtureAuthor(member: Record<string, unknown>) {
  await deliverToFixture('member', 'updated', { member: { id: 'm-1', login: 'ada', ...member } })
  await deliverToFixture('pull_request', 'opened', {
    pull: {
      id: 'fx-pr-1',
      number: 1,
      title: 'On the fixture provider',
      author: 'ada',
      opened: '2026-03-04T10:00:00.000Z',
      repository: { id: 'r-1', name: 'web', url: 'https://fixture.example/acme/web' },
    },
  })
}

async function personOf(provider: string, externalId: string) {
  const row = await db
    .from('contributors')
    .where({ provider, external_id: externalId })
    .firstOrFail()
  return row.person_id as number
}

async function activeContributorsOnSummary(account: TestAccount, signedInWeb?: WebClient) {
  await new RollUpMetrics().execute({ organizationId: account.organization.id })
  const web = signedInWeb ?? (await signedIn(account))
  const page = await web.get(WEEK)
  const match = /(\d+) active contributors?/.exec(page.text)
  if (!match) throw new Error('the Executive Summary shows no contributor count')
  return Number(match[1])
}

async function signedIn(account: TestAccount) {
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  await web.get('/settings/people')
  return web
}

test.group('People across providers', (group) => {
  group.each.setup(resetDatabase())

  test('two provider identities with one verified email count as one person on the Executive Summary', async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'admin' })
    await createConnection(account.organization)
    await githubAuthor(account.organization.id, 'Ada@Example.org')

    await fixtureAuthor({ email: 'ada@example.org ', emailVerified: true })

    assert.equal(await personOf('fixture', 'm-1'), await personOf('github', '7'))
    assert.equal(await activeContributorsOnSummary(account), 1)
  })

  test('an email the provider did not verify matches no one', async ({ assert }) => {
    const account = await createAccount({ role: 'admin' })
    await createConnection(account.organization)
    await githubAuthor(account.organization.id, 'ada@example.org')

    await fixtureAuthor({ email: 'ada@example.org', emailVerified: false })

    assert.notEqual(await personOf('fixture', 'm-1'), await personOf('github', '7'))
    assert.equal(await activeContributorsOnSummary(account), 2)
  })

  test('an explicit link makes two identities one person, whichever is written first', async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'admin' })
    await createConnection(account.organization)

    // the fixture account names its GitHub account before GitHub wrote it
    await fixtureAuthor({ links: ['github:7'] })
    await githubAuthor(account.organization.id, null)

    assert.equal(await personOf('fixture', 'm-1'), await personOf('github', '7'))
    const [{ total }] = await db.from('people').count('* as total')
    assert.equal(Number(total), 1)
  })

  test('an admin merges two people into one on the People page', async ({ assert }) => {
    const account = await createAccount({ role: 'admin' })
    await createConnection(account.organization)
    await githubAuthor(account.organization.id, null)
    await fixtureAuthor({})
    const people = [await personOf('github', '7'), await personOf('fixture', 'm-1')]
    assert.notEqual(people[0], people[1])
    const web = await signedIn(account)

    const merged = await web.post('/settings/people/merge', {
      'people[]': people.map((id) => publicIds('person').encode(id)),
    })

    assert.equal(merged.status, 302)
    assert.equal(await personOf('fixture', 'm-1'), await personOf('github', '7'))
    assert.equal(await activeContributorsOnSummary(account, web), 1)
    const page = await web.get('/settings/people')
    assert.include(page.text, 'octo-ada')
    assert.include(page.text, 'set by hand')
  })

  test('merging needs two people: one alone is refused inline', async ({ assert }) => {
    const account = await createAccount({ role: 'admin' })
    await githubAuthor(account.organization.id, null)
    const web = await signedIn(account)

    const refused = await web.post('/settings/people/merge', {
      'people[]': [publicIds('person').encode(await personOf('github', '7'))],
    })

    assert.equal(refused.status, 422)
    assert.include(refused.text, 'Choose at least two people to merge.')
  })

  test('a split identity becomes a person of its own and stays apart when written again', async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'admin' })
    await createConnection(account.organization)
    await githubAuthor(account.organization.id, 'ada@example.org')
    await fixtureAuthor({ email: 'ada@example.org', emailVerified: true })
    const identity = await db
      .from('contributors')
      .where({ provider: 'fixture', external_id: 'm-1' })
      .firstOrFail()
    const web = await signedIn(account)

    const split = await web.post(
      `/settings/people/identities/${publicIds('contributor').encode(identity.id)}/split`
    )

    assert.equal(split.status, 302)
    assert.notEqual(await personOf('fixture', 'm-1'), await personOf('github', '7'))
    // the provider reports the same verified email again: the admin's split stands
    await deliverToFixture('member', 'updated', {
      member: { id: 'm-1', login: 'ada', email: 'ada@example.org', emailVerified: true },
    })
    assert.notEqual(await personOf('fixture', 'm-1'), await personOf('github', '7'))
    assert.equal(await activeContributorsOnSummary(account, web), 2)
  })

  test('people of another organisation cannot be merged in', async ({ assert }) => {
    const account = await createAccount({ role: 'admin' })
    const other = await createAccount({ role: 'admin' })
    await githubAuthor(account.organization.id, null)
    await githubStore(other.organization.id).upsertContributors([
      { externalId: '9', login: 'elsewhere' },
    ])
    const foreign = await db
      .from('contributors')
      .where('organization_id', other.organization.id)
      .firstOrFail()
    const web = await signedIn(account)

    const refused = await web.post('/settings/people/merge', {
      'people[]': [
        publicIds('person').encode(await personOf('github', '7')),
        publicIds('person').encode(foreign.person_id),
      ],
    })

    assert.equal(refused.status, 422)
    assert.include(refused.text, 'One of the chosen people is not in the list any more.')
    assert.notEqual(foreign.person_id, await personOf('github', '7'))
  })
})
