import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import Membership from '#models/membership'
import User from '#models/user'
import sextantConfig from '#config/sextant'
import CreateSuperuser from '#actions/auth/create_superuser'
import ChangeMemberRole from '#actions/members/change_member_role'
import DeleteOrganizationData from '#actions/organizations/delete_organization_data'
import { CORE_EVENT_NAMES } from '#plugin-sdk/lifecycle'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount, STRONG_PASSWORD } from '#tests/helpers/accounts'
import { processQueueUntil } from '#tests/helpers/queue'
import { WebClient } from '#tests/helpers/web_client'
import { startFakeMarketingProvider, subscriberHash } from '#tests/helpers/fake_marketing_provider'

/**
 * Every core event is emitted by the core where the change happens,
 * after it committed, and reaches a subscribing plugin through the
 * queue: the fixture plugin notes each one it receives
 * (fixture_core_events); fixture-forms (a provider like Mailchimp) keeps
 * its audience in step with people's profiles.
 */
const META = { ip: '127.0.0.1', userAgent: 'test' }

async function received(event: string, userPublicId: string | null = null) {
  const query = db.from('fixture_core_events').where('event', event)
  if (userPublicId) query.where('user_public_id', userPublicId)
  return query.orderBy('id', 'desc').first()
}

function untilReceived(event: string, userPublicId: string | null = null) {
  return processQueueUntil(async () => Boolean(await received(event, userPublicId)))
}

async function signedIn(account: Awaited<ReturnType<typeof createAccount>>) {
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  return web
}

test.group('Core events | each one reaches a plugin', (group) => {
  group.each.setup(resetDatabase())

  test('the fixture plugin subscribes to every core event the SDK declares', async ({ assert }) => {
    const { fixtureCoreEvents } = await import('#tests/fixtures/plugins/fixture/core_events')
    assert.sameMembers(Object.keys(fixtureCoreEvents), [...CORE_EVENT_NAMES])
  })

  test('user.created: a superuser made on the command line', async ({ assert }) => {
    const { user } = await new CreateSuperuser().execute({
      email: 'root@example.org',
      password: STRONG_PASSWORD,
      fullName: 'Root',
    })
    await untilReceived('user.created', user.publicId)
    const row = await received('user.created', user.publicId)
    assert.equal(JSON.parse(row.details).email, 'root@example.org')
    // and the ownership it was given
    await untilReceived('membership.changed', user.publicId)
    assert.equal(
      JSON.parse((await received('membership.changed', user.publicId)).details).role,
      'owner'
    )
  })

  test('user.updated: a person changes their name, email and marketing consent', async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'member' })
    const web = await signedIn(account)
    await web.get('/settings/security')
    const response = await web.post('/settings/profile', {
      fullName: 'Ada Lovelace',
      email: 'ada@example.org',
      marketingConsent: 'true',
    })
    assert.equal(response.status, 302)
    const user = await User.findOrFail(account.user.id)
    assert.equal(user.email, 'ada@example.org')
    assert.isTrue(user.marketingConsent)

    await untilReceived('user.updated', user.publicId)
    const details = JSON.parse((await received('user.updated', user.publicId)).details)
    assert.sameMembers(details.changed, ['email', 'fullName', 'marketingConsent'])
    assert.equal(details.email, 'ada@example.org')
    assert.equal(details.fullName, 'Ada Lovelace')
    assert.isTrue(details.marketingConsent)
    assert.equal(details.previous.email, account.email)
    assert.isFalse(details.previous.marketingConsent)
    const row = await received('user.updated', user.publicId)
    assert.equal(row.organization_public_ids, account.organization.publicId)
  })

  test('user.updated is not emitted when nothing changed', async ({ assert }) => {
    const account = await createAccount({ role: 'member' })
    const web = await signedIn(account)
    await web.get('/settings/security')
    const response = await web.post('/settings/profile', {
      fullName: account.user.fullName ?? '',
      email: account.email,
    })
    assert.equal(response.status, 302)
    assert.include((await web.get('/settings/security')).text, 'Nothing to change.')
    assert.lengthOf(await db.from('plugin_hook_runs').where('event', 'user.updated'), 0)
  })

  test('an email another account uses is refused inline, and nothing changes', async ({
    assert,
  }) => {
    const other = await createAccount({ role: 'member' })
    const account = await createAccount({ role: 'member' })
    const web = await signedIn(account)
    await web.get('/settings/security')
    const response = await web.post('/settings/profile', { fullName: 'X', email: other.email })
    assert.equal(response.status, 302)
    const page = await web.get('/settings/security')
    assert.include(page.text, 'Another account already uses this email address.')
    const user = await User.findOrFail(account.user.id)
    assert.equal(user.email, account.email)
    assert.lengthOf(await db.from('plugin_hook_runs').where('event', 'user.updated'), 0)
  })

  test('user.deleted: a superuser deletes an account in the admin area', async ({ assert }) => {
    const admin = await createAccount({ role: 'owner', superuser: true })
    const doomed = await createAccount({ role: 'member', organization: admin.organization })
    const web = await signedIn(admin)
    await web.get(`${sextantConfig.auth.adminPath}/users`)
    const response = await web.post(
      `${sextantConfig.auth.adminPath}/users/${doomed.user.publicId}/delete`
    )
    assert.equal(response.status, 302)
    assert.isNull(await User.find(doomed.user.id))
    assert.lengthOf(await Membership.query().where('user_id', doomed.user.id), 0)

    await untilReceived('user.deleted', doomed.user.publicId)
    const row = await received('user.deleted', doomed.user.publicId)
    assert.equal(row.organization_public_ids, admin.organization.publicId)
    assert.equal(JSON.parse(row.details).email, doomed.email)
  })

  test("a superuser cannot delete their own account, nor an organisation's last owner", async ({
    assert,
  }) => {
    const admin = await createAccount({ role: 'member', superuser: true })
    const owner = await createAccount({ role: 'owner' })
    const web = await signedIn(admin)
    await web.get(`${sextantConfig.auth.adminPath}/users`)
    const self = await web.post(
      `${sextantConfig.auth.adminPath}/users/${admin.user.publicId}/delete`
    )
    assert.equal(self.status, 422)
    assert.include(self.text, 'You cannot delete your own account.')
    const last = await web.post(
      `${sextantConfig.auth.adminPath}/users/${owner.user.publicId}/delete`
    )
    assert.equal(last.status, 422)
    assert.include(last.text, 'last owner')
    assert.exists(await User.find(admin.user.id))
    assert.exists(await User.find(owner.user.id))
    assert.lengthOf(await db.from('plugin_hook_runs').where('event', 'user.deleted'), 0)
  })

  test('membership.changed: a role change', async ({ assert }) => {
    const admin = await createAccount({ role: 'admin' })
    const member = await createAccount({ role: 'viewer', organization: admin.organization })
    const membership = await Membership.findByOrFail('user_id', member.user.id)
    await new ChangeMemberRole().execute({
      organization: admin.organization,
      actor: admin.user,
      actorRole: 'admin',
      membershipPublicId: membership.publicId,
      role: 'member',
      meta: META,
    })
    await untilReceived('membership.changed', member.user.publicId)
    const details = JSON.parse((await received('membership.changed', member.user.publicId)).details)
    assert.deepEqual(details, { role: 'member', previousRole: 'viewer' })
  })

  test("organization.data_deleted: an organisation's data is deleted", async ({ assert }) => {
    const admin = await createAccount({ role: 'owner' })
    await new DeleteOrganizationData().execute({ organization: admin.organization })
    await untilReceived('organization.data_deleted')
    const row = await received('organization.data_deleted')
    assert.equal(row.organization_public_ids, admin.organization.publicId)
  })
})

test.group('Core events | a marketing audience follows people', (group) => {
  let provider: Awaited<ReturnType<typeof startFakeMarketingProvider>>
  group.setup(async () => {
    provider = await startFakeMarketingProvider()
    return () => provider.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    provider.state.members.clear()
    provider.state.failNext = 0
  })

  async function audienceWith(account: Awaited<ReturnType<typeof createAccount>>) {
    const admin = await createAccount({ role: 'admin', organization: account.organization })
    const web = await signedIn(admin)
    await web.get('/settings/connections')
    await web.post('/settings/connections/fixture-forms/connect', {
      'baseUrl': '',
      'fields[apiKey]': 'good-key',
      'fields[list]': 'audience1',
    })
    const connection = await Connection.query().where('plugin_id', 'fixture-forms').firstOrFail()
    // its onConnected (the audience's webhook) is done before the test's own calls
    await processQueueUntil(async () => {
      const run = await db
        .from('plugin_hook_runs')
        .where({ connection_id: connection.id, hook: 'connected' })
        .first()
      return run?.status === 'succeeded'
    })
    const audience = new Map()
    provider.state.members.set('audience1', audience)
    audience.set(subscriberHash(account.email), {
      email: account.email,
      fullName: account.user.fullName,
      status: 'subscribed',
    })
    return { audience, admin }
  }

  test('a new name and email reach the audience, retried until the provider takes them', async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'member' })
    const { audience } = await audienceWith(account)
    const web = await signedIn(account)
    await web.get('/settings/security')
    provider.state.failNext = 1
    await web.post('/settings/profile', { fullName: 'Grace Hopper', email: 'grace@example.org' })

    await processQueueUntil(async () => audience.has(subscriberHash('grace@example.org')))
    assert.isFalse(audience.has(subscriberHash(account.email)))
    assert.deepEqual(audience.get(subscriberHash('grace@example.org')), {
      email: 'grace@example.org',
      fullName: 'Grace Hopper',
      status: 'subscribed',
    })
    const run = await db
      .from('plugin_hook_runs')
      .where({ event: 'user.updated', plugin_id: 'fixture-forms' })
      .firstOrFail()
    assert.equal(Number(run.attempts), 2)
  })

  test('consent given then withdrawn subscribes, then unsubscribes', async ({ assert }) => {
    const account = await createAccount({ role: 'member' })
    const { audience } = await audienceWith(account)
    const hash = subscriberHash(account.email)
    audience.get(hash).status = 'unsubscribed'
    const web = await signedIn(account)
    // the Security page's product-emails box: ticked, then unticked
    await web.get('/settings/security')
    await web.post('/settings/marketing-consent', { marketingConsent: 'on' })
    await processQueueUntil(async () => audience.get(hash)?.status === 'subscribed')
    await web.get('/settings/security')
    await web.post('/settings/marketing-consent', {})
    await processQueueUntil(async () => audience.get(hash)?.status === 'unsubscribed')
    assert.equal(audience.get(hash)?.status, 'unsubscribed')
  })

  test('a deleted account leaves the audience', async ({ assert }) => {
    const account = await createAccount({ role: 'member' })
    const { audience } = await audienceWith(account)
    const superuser = await createAccount({ role: 'member', superuser: true })
    const web = await signedIn(superuser)
    await web.get(`${sextantConfig.auth.adminPath}/users`)
    await web.post(`${sextantConfig.auth.adminPath}/users/${account.user.publicId}/delete`)
    await processQueueUntil(async () => !audience.has(subscriberHash(account.email)))
    assert.isFalse(audience.has(subscriberHash(account.email)))
  })
})
