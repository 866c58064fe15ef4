import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import sextantConfig from '#config/sextant'
import RunSync from '#actions/sync/run_sync'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount, type TestAccount } from '#tests/helpers/accounts'
import { createConnection } from '#tests/helpers/connections'
import { processQueueUntil } from '#tests/helpers/queue'
import { staleReauthentication } from '#tests/helpers/reauth'
import { WebClient } from '#tests/helpers/web_client'
import {
  seedRepositories,
  startFakeProvider,
  type FakeProvider,
} from '#tests/helpers/fake_provider'

/**
 * Admin → Organisations → Delete data: the command's deletion, offered to
 * superusers behind a recent re-authentication and the organisation's
 * name typed back. Plain forms: no JavaScript needed.
 */
const ADMIN = sextantConfig.auth.adminPath

async function organizationWithData() {
  const account = await createAccount({ role: 'owner' })
  const connection = await createConnection(account.organization)
  await new RunSync().execute({ connection, trigger: 'cli' })
  return account
}

async function count(table: string, account: TestAccount) {
  const [{ total }] = await db
    .from(table)
    .where('organization_id', account.organization.id)
    .count('* as total')
  return Number(total)
}

async function superuser() {
  const admin = await createAccount({ role: 'owner', superuser: true })
  const web = new WebClient()
  await web.signIn(admin.email, admin.password, admin.totpSecret!)
  return { admin, web }
}

test.group('Admin | delete an organisation’s data', (group) => {
  let provider: FakeProvider
  group.setup(async () => {
    provider = await startFakeProvider()
    return () => provider.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    provider.state.repositories = seedRepositories(2, 3)
    provider.reset()
  })

  test('the Organisations page offers it, and its page lists what would go', async ({ assert }) => {
    const doomed = await organizationWithData()
    const { web } = await superuser()
    const list = await web.get(`${ADMIN}/organizations`)
    assert.include(list.text, `${ADMIN}/organizations/${doomed.organization.publicId}/delete-data`)
    const page = await web.get(`${ADMIN}/organizations/${doomed.organization.publicId}/delete-data`)
    assert.equal(page.status, 200)
    assert.include(page.text, '<code>issues</code>: 6 rows')
    assert.include(page.text, 'connections to disconnect')
    assert.equal(await count('issues', doomed), 6)
  }).timeout(60_000)

  test('it needs a recent re-authentication', async ({ assert }) => {
    const doomed = await organizationWithData()
    const { admin, web } = await superuser()
    await web.get(`${ADMIN}/organizations`)
    await staleReauthentication(admin.user.id)
    const attempt = await web.post(
      `${ADMIN}/organizations/${doomed.organization.publicId}/delete-data`,
      { name: doomed.organization.name }
    )
    assert.equal(attempt.location, '/reauthenticate')
    assert.equal(await count('issues', doomed), 6)

    await web.get('/reauthenticate')
    await web.post('/reauthenticate', { password: admin.password })
    const retry = await web.post(
      `${ADMIN}/organizations/${doomed.organization.publicId}/delete-data`,
      { name: doomed.organization.name }
    )
    assert.equal(retry.status, 200)
    assert.equal(await count('issues', doomed), 0)
  }).timeout(60_000)

  test('a name typed wrong is refused inline with a 422 and nothing is deleted', async ({
    assert,
  }) => {
    const doomed = await organizationWithData()
    const { web } = await superuser()
    await web.get(`${ADMIN}/organizations/${doomed.organization.publicId}/delete-data`)
    const attempt = await web.post(
      `${ADMIN}/organizations/${doomed.organization.publicId}/delete-data`,
      { name: 'something else' }
    )
    assert.equal(attempt.status, 422)
    assert.include(attempt.text, 'data-testid="confirm-error"')
    assert.include(attempt.text, 'nothing was deleted')
    assert.equal(await count('issues', doomed), 6)
    assert.equal(await count('connections', doomed), 1)
  }).timeout(60_000)

  test('the name typed back deletes its data, keeps its people, and audits the counts', async ({
    assert,
  }) => {
    const doomed = await organizationWithData()
    const other = await organizationWithData()
    const { admin, web } = await superuser()
    await web.get(`${ADMIN}/organizations/${doomed.organization.publicId}/delete-data`)
    const done = await web.post(
      `${ADMIN}/organizations/${doomed.organization.publicId}/delete-data`,
      { name: ` ${doomed.organization.name} ` }
    )
    assert.equal(done.status, 200)
    assert.include(done.text, 'data-testid="deletion-outcome"')
    assert.include(done.text, 'issues: 6 rows deleted')
    assert.equal(await count('issues', doomed), 0)
    assert.equal(await count('repositories', doomed), 0)
    assert.equal(await count('connections', doomed), 0)
    assert.equal(await count('memberships', doomed), 1)
    assert.equal(await count('issues', other), 6)

    const audit = await db
      .from('audit_events')
      .where('event', 'organization.data_deleted')
      .where('organization_id', doomed.organization.id)
      .firstOrFail()
    assert.equal(audit.actor_id, admin.user.id)
    assert.equal(JSON.parse(audit.metadata).tables.issues, 6)
  }).timeout(60_000)

  test('someone who is not a superuser cannot reach it', async ({ assert }) => {
    const doomed = await organizationWithData()
    const web = new WebClient()
    await web.signIn(doomed.email, doomed.password, doomed.totpSecret!)
    const page = await web.get(`${ADMIN}/organizations/${doomed.organization.publicId}/delete-data`)
    assert.oneOf(page.status, [403, 404])
    await web.get('/')
    const attempt = await web.post(
      `${ADMIN}/organizations/${doomed.organization.publicId}/delete-data`,
      { name: doomed.organization.name }
    )
    assert.oneOf(attempt.status, [403, 404])
    assert.equal(await count('issues', doomed), 6)
  }).timeout(60_000)
})

test.group('Admin | a large organisation is deleted by a worker', (group) => {
  let provider: FakeProvider
  let inlineRows: number
  group.setup(async () => {
    provider = await startFakeProvider()
    inlineRows = sextantConfig.dataLifecycle.inlineRows
    return () => provider.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    provider.state.repositories = seedRepositories(2, 3)
    provider.reset()
    // this organisation's rows count as "large"
    sextantConfig.dataLifecycle.inlineRows = 3
    return () => {
      sextantConfig.dataLifecycle.inlineRows = inlineRows
    }
  })

  test('the page answers "queued" at once, and a worker deletes it', async ({ assert }) => {
    const doomed = await organizationWithData()
    const { admin, web } = await superuser()
    await web.get(`${ADMIN}/organizations/${doomed.organization.publicId}/delete-data`)
    const answer = await web.post(
      `${ADMIN}/organizations/${doomed.organization.publicId}/delete-data`,
      { name: doomed.organization.name }
    )
    assert.equal(answer.status, 200)
    assert.include(answer.text, 'data-testid="deletion-queued"')
    assert.equal(await count('issues', doomed), 6, 'nothing deleted within the request')

    const audited = () =>
      db
        .from('audit_events')
        .where('event', 'organization.data_deleted')
        .where('organization_id', doomed.organization.id)
        .first()
    await processQueueUntil(async () => Boolean(await audited()))
    assert.equal(await count('issues', doomed), 0)
    assert.equal(await count('memberships', doomed), 1)
    const audit = await audited()
    assert.equal(audit.actor_id, admin.user.id)
    assert.equal(JSON.parse(audit.metadata).tables.issues, 6)
  }).timeout(90_000)
})
