import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#tests/helpers/env'
import { runAce } from '#tests/helpers/processes'
import { processQueueUntil } from '#tests/helpers/queue'
import {
  publishCoreEvent,
  publishMembershipChanged,
  eventUser,
} from '#actions/plugins/queue_plugin_hook'
import { publicIds } from '#services/public_id'
import RunSync from '#actions/sync/run_sync'
import { sqlTime } from '#services/sql'
import { connectionWebhookUrl } from '#services/webhooks/connection_tokens'
import { startFakeMailchimp, md5 } from './fake_mailchimp.js'
import { API_KEY, consentWithdrawnBy, mailchimpWithAudience, person } from './testbed.js'

/**
 * The Mailchimp plugin against Mailchimp's Marketing API on loopback,
 * through the official client pointed at it with MAILCHIMP_API_URL.
 */
type Fake = Awaited<ReturnType<typeof startFakeMailchimp>>

async function eventsDelivered() {
  await processQueueUntil(async () => {
    const open = await db
      .from('plugin_hook_runs')
      .whereIn('status', ['pending', 'running'])
      .count('* as n')
    return Number(open[0].n) === 0
  })
}

test.group('Mailchimp | create:mailchimp-audience', (group) => {
  let fake: Fake
  group.setup(async () => {
    fake = await startFakeMailchimp()
    return () => fake.close()
  })

  test('the first run creates the audience and every merge field, the second creates nothing and says so', async ({
    assert,
  }) => {
    const env = { MAILCHIMP_API_KEY: API_KEY, MAILCHIMP_API_URL: fake.url }
    const flags = [
      '--name=Sextant users',
      '--company=Acme',
      '--address1=1 Main St',
      '--city=Leeds',
      '--state=West Yorkshire',
      '--zip=LS1 1AA',
      '--country=GB',
      '--permission-reminder=You opted in to product emails in Sextant',
      '--from-name=Sextant',
      '--from-email=news@example.org',
    ]
    const first = await runAce(['create:mailchimp-audience', ...flags], env)
    assert.equal(first.code, 0, first.stderr + first.stdout)
    assert.include(first.stdout, 'Created the audience')
    assert.include(
      first.stdout,
      'Created merge fields: FNAME, LNAME, ORG, ROLE, SIGNUP, LASTLOGIN, MFA'
    )
    assert.lengthOf([...fake.state.lists.values()], 1)
    const [audience] = [...fake.state.lists.values()]
    assert.equal(audience.body.permission_reminder, 'You opted in to product emails in Sextant')
    assert.include(first.stdout, `MAILCHIMP_AUDIENCE_ID=${audience.id}`)

    const second = await runAce(['create_mailchimp_audience', ...flags], env)
    assert.equal(second.code, 0, second.stderr)
    assert.include(second.stdout, `The audience ${audience.id} exists`)
    assert.include(second.stdout, 'Nothing to create: every merge field exists')
    assert.lengthOf([...fake.state.lists.values()], 1)
    assert.lengthOf(fake.state.mergeFields.get(audience.id)!, 7)
  }).timeout(60_000)

  test('without an API key it says what to set and fails', async ({ assert }) => {
    const result = await runAce(['create:mailchimp-audience', '--name=x'], {
      MAILCHIMP_API_KEY: '',
    })
    assert.equal(result.code, 1)
    assert.include(result.stderr + result.stdout, 'set MAILCHIMP_API_KEY')
  }).timeout(60_000)
})

test.group('Mailchimp | sync on change', (group) => {
  let fake: Fake
  group.setup(async () => {
    fake = await startFakeMailchimp()
    return () => fake.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => withEnv({ MAILCHIMP_API_URL: fake.url, MAILCHIMP_RETRY_BASE_MS: '10' }))

  test('a sign-up with consent adds the member within one queue run; without consent nothing', async ({
    assert,
  }) => {
    const { audienceId } = await mailchimpWithAudience(fake)
    const yes = await person({ consent: true, fullName: 'Ada Lovelace' })
    const no = await person({ consent: false })
    await publishCoreEvent('user.created', { user: eventUser(yes) })
    await publishCoreEvent('user.created', { user: eventUser(no) })
    await eventsDelivered()

    const members = fake.members(audienceId)
    assert.deepEqual([...members.keys()], [md5(yes.email)])
    const member = members.get(md5(yes.email))!
    assert.equal(member.status, 'subscribed')
    assert.equal(member.merge_fields.FNAME, 'Ada')
    assert.equal(member.merge_fields.LNAME, 'Lovelace')
    assert.equal(member.merge_fields.ROLE, 'member')
    assert.equal(member.merge_fields.MFA, 'yes')
  }).timeout(60_000)

  test('changing the email updates the same member, not a second one', async ({ assert }) => {
    const { audienceId } = await mailchimpWithAudience(fake)
    const user = await person({ consent: true })
    await publishCoreEvent('user.created', { user: eventUser(user) })
    await eventsDelivered()
    const previous = user.email
    user.email = `renamed.${previous}`
    await user.save()
    await publishCoreEvent('user.updated', {
      user: eventUser(user),
      organizationPublicIds: [],
      changed: ['email'],
      previous: { email: previous },
    })
    await eventsDelivered()

    const members = fake.members(audienceId)
    assert.equal(members.size, 1)
    assert.equal([...members.values()][0].email_address, user.email)
  }).timeout(60_000)

  test('an update never re-subscribes a member who unsubscribed in Mailchimp', async ({
    assert,
  }) => {
    const { audienceId } = await mailchimpWithAudience(fake)
    const user = await person({ consent: true, fullName: 'Grace Hopper' })
    // unsubscribed on Mailchimp's side; its webhook has not arrived yet
    fake.members(audienceId).set(md5(user.email), {
      id: md5(user.email),
      email_address: user.email,
      status: 'unsubscribed',
      merge_fields: {},
    })
    await publishCoreEvent('user.updated', {
      user: eventUser(user),
      organizationPublicIds: [],
      changed: ['fullName'],
      previous: { fullName: 'G. Hopper' },
    })
    await eventsDelivered()
    const member = fake.members(audienceId).get(md5(user.email))!
    assert.equal(member.status, 'unsubscribed')
    assert.equal(member.merge_fields.FNAME, 'Grace')
  }).timeout(60_000)

  test('a role change updates the member’s ROLE merge field', async ({ assert }) => {
    const { audienceId } = await mailchimpWithAudience(fake)
    const user = await person({ consent: true })
    await db.from('memberships').where('user_id', user.id).update({ role: 'admin' })
    const membership = await db
      .from('memberships')
      .join('organizations', 'organizations.id', 'memberships.organization_id')
      .where('user_id', user.id)
      .select('organizations.id', 'organizations.name')
      .firstOrFail()
    await publishMembershipChanged({
      organization: {
        id: membership.id,
        publicId: publicIds('organization').encode(membership.id),
      },
      user,
      role: 'admin',
      previousRole: 'member',
    })
    await eventsDelivered()
    const member = fake.members(audienceId).get(md5(user.email))!
    assert.equal(member.merge_fields.ROLE, 'admin')
    assert.equal(member.merge_fields.ORG, membership.name)
  }).timeout(60_000)

  test('deleting a user deletes the member permanently', async ({ assert }) => {
    const { audienceId } = await mailchimpWithAudience(fake)
    const user = await person({ consent: true })
    await publishCoreEvent('user.created', { user: eventUser(user) })
    await eventsDelivered()
    assert.equal(fake.members(audienceId).size, 1)

    await publishCoreEvent('user.deleted', { user: eventUser(user), organizationPublicIds: [] })
    await eventsDelivered()
    assert.equal(fake.members(audienceId).size, 0)
    assert.isTrue(
      fake.state.requests.some(
        (r) =>
          r.method === 'POST' &&
          r.path.endsWith(`/members/${md5(user.email)}/actions/delete-permanent`) &&
          r.status === 204
      )
    )
  }).timeout(60_000)
})

test.group('Mailchimp | webhooks and the daily sync', (group) => {
  let fake: Fake
  group.setup(async () => {
    fake = await startFakeMailchimp()
    return () => fake.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => withEnv({ MAILCHIMP_API_URL: fake.url, MAILCHIMP_RETRY_BASE_MS: '10' }))

  function unsubscribe(url: string, email: string, listId: string) {
    const body = new URLSearchParams({
      'type': 'unsubscribe',
      'fired_at': '2026-12-07 03:00:00',
      'data[action]': 'unsub',
      'data[reason]': 'manual',
      'data[id]': '8a25ff1d98',
      'data[list_id]': listId,
      'data[email]': email,
      'data[email_type]': 'html',
    })
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    })
  }

  test("Mailchimp's GET validation of the webhook URL is answered 200", async ({ assert }) => {
    const { connection } = await mailchimpWithAudience(fake)
    const answer = await fetch(await connectionWebhookUrl(connection))
    assert.equal(answer.status, 200)
  })

  test('a form-encoded unsubscribe turns consent off, and the next daily sync does not re-subscribe', async ({
    assert,
  }) => {
    const { audienceId, connection } = await mailchimpWithAudience(fake)
    const user = await person({ consent: true })
    const url = await connectionWebhookUrl(connection)
    const answer = await unsubscribe(url, user.email, audienceId)
    assert.equal(answer.status, 202)
    await processQueueUntil(async () => (await consentWithdrawnBy(user.email)) !== null)
    assert.equal(await consentWithdrawnBy(user.email), 'mailchimp-webhook')

    const [outcome] = await new RunSync().execute({ connection, trigger: 'cli' })
    assert.equal(outcome.status, 'succeeded', outcome.error ?? '')
    assert.isFalse(fake.members(audienceId).has(md5(user.email)))
  }).timeout(60_000)

  test('the daily sync turns consent off for members unsubscribed or cleaned in Mailchimp and upserts the rest', async ({
    assert,
  }) => {
    const { audienceId, connection } = await mailchimpWithAudience(fake)
    const gone = await person({ consent: true })
    const stays = await person({ consent: true })
    fake.members(audienceId).set(md5(gone.email), {
      id: md5(gone.email),
      email_address: gone.email,
      status: 'cleaned',
      merge_fields: {},
    })
    const [outcome] = await new RunSync().execute({ connection, trigger: 'cli' })
    assert.equal(outcome.status, 'succeeded', outcome.error ?? '')
    assert.equal(await consentWithdrawnBy(gone.email), 'mailchimp-sync')
    assert.equal(fake.members(audienceId).get(md5(gone.email))!.status, 'cleaned')
    assert.equal(fake.members(audienceId).get(md5(stays.email))!.status, 'subscribed')
  }).timeout(60_000)

  test('an invalid address is reported, not fatal', async ({ assert }) => {
    const { audienceId, connection } = await mailchimpWithAudience(fake)
    const bad = await person({ consent: true })
    const good = await person({ consent: true })
    fake.state.invalid.add(bad.email)
    const [outcome] = await new RunSync().execute({ connection, trigger: 'cli' })
    assert.equal(outcome.status, 'succeeded', outcome.error ?? '')
    assert.isTrue(fake.members(audienceId).has(md5(good.email)))
    await connection.refresh()
    assert.equal(connection.configValues.lastRefusedCount, 1)
    assert.include(String((connection.configValues.lastRefused as string[])[0]), bad.email)
  }).timeout(60_000)

  test('with Mailchimp answering 429, the sync waits and completes', async ({ assert }) => {
    const { audienceId, connection } = await mailchimpWithAudience(fake)
    const users = [await person({ consent: true }), await person({ consent: true })]
    fake.state.tooMany = 4
    const [outcome] = await new RunSync().execute({ connection, trigger: 'cli' })
    assert.equal(outcome.status, 'succeeded', outcome.error ?? '')
    assert.equal(fake.state.tooMany, 0)
    assert.isAtLeast(fake.state.requests.filter((r) => r.status === 429).length, 4)
    for (const user of users) assert.isTrue(fake.members(audienceId).has(md5(user.email)))
    assert.isAtMost(fake.state.maxInFlight, 10)
  }).timeout(60_000)
})

test.group('Mailchimp | daily sync in batches', (group) => {
  let fake: Fake
  group.setup(async () => {
    fake = await startFakeMailchimp()
    return () => fake.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() =>
    withEnv({
      MAILCHIMP_API_URL: fake.url,
      MAILCHIMP_RETRY_BASE_MS: '10',
      MAILCHIMP_BATCH_POLL_MS: '10',
    })
  )

  test('2,000 users go in batch operations; every consenting one ends present with the right merge fields, an invalid address is reported', async ({
    assert,
  }) => {
    const { audienceId, connection } = await mailchimpWithAudience(fake)
    const now = sqlTime()
    const rows = Array.from({ length: 2000 }, (_, index) => ({
      email: index === 7 ? 'not-an-address@invalid' : `user${index}@example.org`,
      full_name: `First${index} Last${index}`,
      password: 'not-a-hash',
      is_superuser: false,
      created_at: now,
      updated_at: now,
      marketing_consent_at: index % 10 === 9 ? null : now,
      marketing_consent_text: 'Send me product news',
    }))
    for (let start = 0; start < rows.length; start += 250) {
      await db.table('users').multiInsert(rows.slice(start, start + 250))
    }

    const [outcome] = await new RunSync().execute({ connection, trigger: 'cli' })
    assert.equal(outcome.status, 'succeeded', outcome.error ?? '')
    assert.deepEqual(
      fake.state.batches.map((batch) => batch.operations),
      [1000, 800]
    )
    assert.isFalse(fake.state.requests.some((request) => request.method === 'PUT'))

    const members = fake.members(audienceId)
    assert.equal(members.size, 1799)
    for (const [index, row] of rows.entries()) {
      const member = members.get(md5(row.email))
      if (row.marketing_consent_at === null || index === 7) {
        assert.isUndefined(member, row.email)
        continue
      }
      assert.equal(member?.status, 'subscribed')
      assert.equal(member?.merge_fields.FNAME, `First${index}`)
      assert.equal(member?.merge_fields.LNAME, `Last${index}`)
    }
    await connection.refresh()
    assert.equal(connection.configValues.lastRefusedCount, 1)
    assert.include(
      String((connection.configValues.lastRefused as string[])[0]),
      'not-an-address@invalid: Invalid Resource'
    )
  }).timeout(120_000)
})
