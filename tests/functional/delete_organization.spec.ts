import { test } from '@japa/runner'
import { createHash, randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import Membership from '#models/membership'
import sextantConfig from '#config/sextant'
import RunSync from '#actions/sync/run_sync'
import { sqlTime } from '#services/sql'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount, type TestAccount } from '#tests/helpers/accounts'
import { createConnection } from '#tests/helpers/connections'
import { runAce } from '#tests/helpers/processes'
import { WebClient } from '#tests/helpers/web_client'
import {
  seedRepositories,
  startFakeProvider,
  type FakeProvider,
} from '#tests/helpers/fake_provider'

/**
 * `node ace delete:organization` and Admin → Organisations → Delete: the
 * organisation goes with its data, memberships, invitations and
 * settings; its people keep their accounts.
 */
const ADMIN = sextantConfig.auth.adminPath

/** an owner alone in the organisation, a member who also belongs elsewhere, an invitation, synced data */
async function organizationToDelete() {
  const owner = await createAccount({ role: 'owner', withTotp: false })
  const elsewhere = await createAccount({ role: 'owner', withTotp: false })
  await Membership.create({
    organizationId: owner.organization.id,
    userId: elsewhere.user.id,
    role: 'member',
  })
  await db.table('invites').insert({
    organization_id: owner.organization.id,
    email: 'invited@example.org',
    role: 'member',
    token_hash: createHash('sha256').update(randomBytes(16)).digest('hex'),
    expires_at: sqlTime(DateTime.now().plus({ days: 1 })),
    created_at: sqlTime(),
  })
  await User.accessTokens.create(owner.user, ['read'], { name: 'alone' })
  await User.accessTokens.create(elsewhere.user, ['read'], { name: 'member elsewhere' })
  const connection = await createConnection(owner.organization)
  await new RunSync().execute({ connection, trigger: 'cli' })
  return { owner, elsewhere }
}

async function rows(table: string, account: TestAccount) {
  return db.from(table).where('organization_id', account.organization.id)
}

async function tokensOf(account: TestAccount) {
  return db.from('auth_access_tokens').where('tokenable_id', account.user.id)
}

test.group('delete:organization | an organisation goes entirely', (group) => {
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

  test('--dry-run lists its data, members and the people kept, and deletes nothing', async ({
    assert,
  }) => {
    const { owner } = await organizationToDelete()
    const result = await runAce(['delete:organization', owner.organization.publicId, '--dry-run'])
    assert.equal(result.code, 0, result.stderr)
    assert.include(result.stdout, 'issues: 6 rows')
    assert.include(result.stdout, 'memberships: 2, invitations: 1')
    assert.include(result.stdout, 'people kept with no organisation left: 1')
    assert.exists(await db.from('organizations').where('id', owner.organization.id).first())
    assert.lengthOf(await rows('issues', owner), 6)
  }).timeout(90_000)

  test('without --force a script is refused in one line, exit 1, nothing deleted', async ({
    assert,
  }) => {
    const { owner } = await organizationToDelete()
    const result = await runAce(['delete:organization', owner.organization.publicId])
    assert.equal(result.code, 1)
    assert.lengthOf(result.stderr.trim().split('\n'), 1, result.stderr)
    assert.include(result.stderr, '--force')
    assert.exists(await db.from('organizations').where('id', owner.organization.id).first())
  }).timeout(90_000)

  test('an organisation that does not exist is one line, exit 1', async ({ assert }) => {
    const result = await runAce(['delete:organization', 'no-such-org', '--force'])
    assert.equal(result.code, 1)
    assert.lengthOf(result.stderr.trim().split('\n'), 1, result.stderr)
    assert.include(result.stderr, 'no organisation "no-such-org"')
  }).timeout(60_000)

  test('with --force its data, invitations, memberships and row go; its people stay', async ({
    assert,
  }) => {
    const { owner, elsewhere } = await organizationToDelete()
    const result = await runAce(['delete:organization', String(owner.organization.id), '--force'])
    assert.equal(result.code, 0, result.stderr + result.stdout)

    assert.isNull(await db.from('organizations').where('id', owner.organization.id).first())
    assert.lengthOf(await rows('issues', owner), 0)
    assert.lengthOf(await rows('connections', owner), 0)
    assert.lengthOf(await rows('invites', owner), 0)
    assert.lengthOf(await rows('memberships', owner), 0)
    // the accounts stay; the one in another organisation keeps it
    assert.exists(await User.find(owner.user.id))
    assert.exists(await User.find(elsewhere.user.id))
    assert.lengthOf(await rows('memberships', elsewhere), 1)
    assert.lengthOf(await rows('issues', elsewhere), 0, 'the other organisation had no data')
  }).timeout(120_000)

  test('people left in no organisation lose their API tokens; the others keep theirs', async ({
    assert,
  }) => {
    const { owner, elsewhere } = await organizationToDelete()
    const result = await runAce(['delete:organization', owner.organization.publicId, '--force'])
    assert.equal(result.code, 0, result.stderr + result.stdout)
    assert.lengthOf(await tokensOf(owner), 0)
    assert.lengthOf(await tokensOf(elsewhere), 1)
  }).timeout(120_000)

  test('the audit trail keeps the deletion, with the name, public id and counts', async ({
    assert,
  }) => {
    const { owner } = await organizationToDelete()
    await runAce(['delete:organization', owner.organization.publicId, '--force'])
    const audit = await db.from('audit_events').where('event', 'organization.deleted').firstOrFail()
    assert.include(audit.subject, owner.organization.publicId)
    const details = JSON.parse(audit.metadata)
    assert.equal(details.memberships, 2)
    assert.equal(details.invites, 1)
    assert.equal(details.usersKeptWithoutOrganization, 1)
    assert.equal(details.tokensRevoked, 1)
    const dataAudit = await db.from('audit_events').where('event', 'organization.data_deleted')
    assert.lengthOf(dataAudit, 1)
    assert.equal(JSON.parse(dataAudit[0].metadata).tables.issues, 6)
  }).timeout(120_000)

  test('in the admin area: its page says its people are kept, and the name typed back deletes it', async ({
    assert,
  }) => {
    const { owner } = await organizationToDelete()
    const admin = await createAccount({ role: 'owner', superuser: true })
    const web = new WebClient()
    await web.signIn(admin.email, admin.password, admin.totpSecret!)
    const list = await web.get(`${ADMIN}/organizations`)
    assert.include(list.text, `${ADMIN}/organizations/${owner.organization.publicId}/delete"`)
    const page = await web.get(`${ADMIN}/organizations/${owner.organization.publicId}/delete`)
    assert.equal(page.status, 200)
    assert.include(page.text, 'data-testid="users-kept"')
    assert.include(page.text, 'Its people keep their accounts')

    const wrong = await web.post(`${ADMIN}/organizations/${owner.organization.publicId}/delete`, {
      name: 'not the name',
    })
    assert.equal(wrong.status, 422)
    assert.exists(await db.from('organizations').where('id', owner.organization.id).first())

    const done = await web.post(`${ADMIN}/organizations/${owner.organization.publicId}/delete`, {
      name: owner.organization.name,
    })
    assert.equal(done.status, 200)
    assert.include(done.text, 'the organisation and its data are gone')
    assert.isNull(await db.from('organizations').where('id', owner.organization.id).first())
    assert.exists(await User.find(owner.user.id))
    const audit = await db.from('audit_events').where('event', 'organization.deleted').firstOrFail()
    assert.equal(audit.actor_id, admin.user.id)
  }).timeout(120_000)
})
