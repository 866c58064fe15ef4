import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import Membership from '#models/membership'
import ChangeMemberRole from '#actions/members/change_member_role'
import RemoveMember from '#actions/members/remove_member'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { processQueueUntil } from '#tests/helpers/queue'
import { WebClient } from '#tests/helpers/web_client'
import { startFakeMarketingProvider, subscriberHash } from '#tests/helpers/fake_marketing_provider'

/**
 * Lifecycle hooks and core events of the fixture-forms plugin (a provider
 * like Mailchimp) against its fake API on loopback: onConnected registers
 * a webhook (the provider checks the URL with a GET first),
 * onDisconnecting deletes it, and membership changes reach the provider's
 * audience, each in a queue worker, never in the member's request.
 */
const PAGE = '/settings/connections'
const META = { ip: '127.0.0.1', userAgent: 'test' }

type Provider = Awaited<ReturnType<typeof startFakeMarketingProvider>>

async function signedInAdmin() {
  const account = await createAccount({ role: 'admin' })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  await web.get(PAGE)
  return { account, web }
}

async function connectForms(web: WebClient, list = 'audience1') {
  const response = await web.post(`${PAGE}/fixture-forms/connect`, {
    'baseUrl': '',
    'fields[apiKey]': 'good-key',
    'fields[list]': list,
  })
  const connection = await Connection.query().where('plugin_id', 'fixture-forms').firstOrFail()
  return { response, connection }
}

async function hookRuns(where: Record<string, unknown>) {
  return db.from('plugin_hook_runs').where(where).orderBy('id')
}

async function latestRun(where: Record<string, unknown>) {
  const runs = await hookRuns(where)
  return runs.at(-1) ?? null
}

function untilRun(where: Record<string, unknown>, status: string, attempts?: number) {
  return processQueueUntil(async () => {
    const run = await latestRun(where)
    return run?.status === status && (attempts === undefined || Number(run.attempts) >= attempts)
  })
}

test.group('Plugin lifecycle | onConnected and onDisconnecting', (group) => {
  let provider: Provider

  group.setup(async () => {
    provider = await startFakeMarketingProvider()
    return () => provider.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    provider.state.webhooks.clear()
    provider.state.members.clear()
    provider.state.validations = []
    provider.state.down = false
    provider.state.failNext = 0
  })

  test('connecting registers a webhook at the provider, whose URL check the plugin answers', async ({
    assert,
  }) => {
    const { web } = await signedInAdmin()
    const { response, connection } = await connectForms(web)
    assert.equal(response.status, 302)
    // The request only queued the hook: nothing is registered yet.
    assert.equal(provider.state.webhooks.size, 0)
    assert.equal((await latestRun({ connection_id: connection.id }))?.status, 'pending')

    await untilRun({ connection_id: connection.id, hook: 'connected' }, 'succeeded')

    const [webhook] = [...provider.state.webhooks.values()]
    assert.equal(webhook.listId, 'audience1')
    assert.match(webhook.url, new RegExp(`/api/webhooks/fixture-forms/c/${connection.publicId}/`))
    assert.deepEqual(provider.state.validations, [{ url: webhook.url, status: 200 }])
    await connection.refresh()
    assert.equal(connection.configValues.webhookId, webhook.id)
  })

  test('disconnecting deletes the webhook at the provider, then the connection', async ({
    assert,
  }) => {
    const { web } = await signedInAdmin()
    const { connection } = await connectForms(web)
    await untilRun({ connection_id: connection.id, hook: 'connected' }, 'succeeded')
    assert.equal(provider.state.webhooks.size, 1)

    const response = await web.post(`${PAGE}/${connection.publicId}/disconnect`)
    assert.equal(response.status, 302)
    await connection.refresh()
    assert.equal(connection.status, 'disconnecting')
    assert.equal(provider.state.webhooks.size, 1)

    await untilRun({ hook: 'disconnecting' }, 'succeeded')
    assert.equal(provider.state.webhooks.size, 0)
    assert.isNull(await Connection.find(connection.id))
  })

  test('a failing onDisconnecting never blocks the disconnect, is shown, and Retry finishes it', async ({
    assert,
  }) => {
    const { web } = await signedInAdmin()
    const { connection } = await connectForms(web)
    await untilRun({ connection_id: connection.id, hook: 'connected' }, 'succeeded')
    const webhookUrl = [...provider.state.webhooks.values()][0].url

    provider.state.down = true
    const response = await web.post(`${PAGE}/${connection.publicId}/disconnect`)
    assert.equal(response.status, 302)
    // At once: no more deliveries to its URL, no more syncs.
    const refused = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'type=subscribe&data[email]=a@example.org',
    })
    assert.equal(refused.status, 404)

    // Every automatic attempt fails: the run stays failed, the page says so.
    await untilRun({ hook: 'disconnecting' }, 'failed', 4)
    const page = await web.get(`${PAGE}/${connection.publicId}`)
    assert.equal(page.status, 200)
    assert.include(page.text, 'data-hook="disconnecting" data-hook-status="failed"')
    assert.include(page.text, 'removing it at the provider failed')
    assert.include(page.text, `${PAGE}/${connection.publicId}/hooks/disconnecting/retry`)
    assert.include(page.text, 'Remove now')
    assert.isNotNull(await Connection.find(connection.id))

    provider.state.down = false
    const retried = await web.post(`${PAGE}/${connection.publicId}/hooks/disconnecting/retry`, {
      back: 'connection',
    })
    assert.equal(retried.status, 302)
    await untilRun({ hook: 'disconnecting' }, 'succeeded')
    assert.equal(provider.state.webhooks.size, 0)
    assert.isNull(await Connection.find(connection.id))
  })

  test('"Remove now" deletes a connection whose clean-up keeps failing, without it', async ({
    assert,
  }) => {
    const { web } = await signedInAdmin()
    const { connection } = await connectForms(web)
    await untilRun({ connection_id: connection.id, hook: 'connected' }, 'succeeded')
    provider.state.down = true
    await web.post(`${PAGE}/${connection.publicId}/disconnect`)
    await untilRun({ hook: 'disconnecting' }, 'failed', 4)

    await web.get(`${PAGE}/${connection.publicId}`)
    await web.post(`${PAGE}/${connection.publicId}/disconnect`, { skipCleanup: 'true' })
    assert.isNull(await Connection.find(connection.id))
    // the provider's webhook is left behind, as the confirmation warns
    assert.equal(provider.state.webhooks.size, 1)
  })

  test('a failing onConnected is shown on the page and Retry sets it up', async ({ assert }) => {
    const { web } = await signedInAdmin()
    const { connection } = await connectForms(web)
    // the connection test passed; the provider fails from now on
    provider.state.down = true
    await untilRun({ connection_id: connection.id, hook: 'connected' }, 'failed', 4)

    const page = await web.get(`${PAGE}/${connection.publicId}`)
    assert.include(page.text, 'data-hook="connected" data-hook-status="failed"')
    assert.include(page.text, 'Setting it up at the provider failed')
    assert.equal(provider.state.webhooks.size, 0)

    provider.state.down = false
    await web.post(`${PAGE}/${connection.publicId}/hooks/connected/retry`, { back: 'connection' })
    await untilRun({ connection_id: connection.id, hook: 'connected' }, 'succeeded')
    assert.equal(provider.state.webhooks.size, 1)
    assert.notInclude(
      (await web.get(`${PAGE}/${connection.publicId}`)).text,
      'Setting it up at the provider failed'
    )
  })
})

test.group('Plugin lifecycle | core events', (group) => {
  let provider: Provider

  group.setup(async () => {
    provider = await startFakeMarketingProvider()
    return () => provider.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    provider.state.members.clear()
    provider.state.down = false
    provider.state.failNext = 0
  })

  test('a membership change reaches the plugin through the queue, retried until it succeeds', async ({
    assert,
  }) => {
    const { account: admin, web } = await signedInAdmin()
    const { connection } = await connectForms(web)
    await untilRun({ connection_id: connection.id, hook: 'connected' }, 'succeeded')
    const member = await createAccount({ role: 'viewer', organization: admin.organization })
    const membership = await Membership.findByOrFail('user_id', member.user.id)

    // The provider fails the first two attempts; the role change itself succeeds.
    provider.state.failNext = 2
    const changed = await new ChangeMemberRole().execute({
      organization: admin.organization,
      actor: admin.user,
      actorRole: 'admin',
      membershipPublicId: membership.publicId,
      role: 'member',
      meta: META,
    })
    assert.equal(changed?.role, 'member')
    const event = { event: 'membership.changed', plugin_id: 'fixture-forms' }
    assert.equal((await latestRun(event))?.status, 'pending')

    await untilRun(event, 'succeeded')
    const run = await latestRun(event)
    assert.equal(Number(run.attempts), 3)
    // delivered: the payload naming the person is not kept
    assert.isNull(run.payload)
    const audience = provider.state.members.get('audience1')!
    assert.equal(audience.get(subscriberHash(member.email))?.email, member.email)

    await new RemoveMember().execute({
      organization: admin.organization,
      actor: admin.user,
      actorRole: 'admin',
      membershipPublicId: membership.publicId,
      meta: META,
    })
    await processQueueUntil(async () => !audience.has(subscriberHash(member.email)))
    assert.isFalse(audience.has(subscriberHash(member.email)))
  })

  test("an organisation's event reaches only that organisation's connections", async ({
    assert,
  }) => {
    const { account: admin, web } = await signedInAdmin()
    await connectForms(web, 'ours')
    const { web: otherWeb } = await signedInAdmin()
    await otherWeb.post(`${PAGE}/fixture-forms/connect`, {
      'baseUrl': '',
      'fields[apiKey]': 'good-key',
      'fields[list]': 'theirs',
    })
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
    await untilRun({ event: 'membership.changed' }, 'succeeded')
    assert.isTrue(provider.state.members.get('ours')?.has(subscriberHash(member.email)))
    assert.isUndefined(provider.state.members.get('theirs'))
  })
})
