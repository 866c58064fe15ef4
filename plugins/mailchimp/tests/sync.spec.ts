import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#plugin-sdk/testing'
import { processQueueUntil } from '#tests/helpers/queue'
import { sqlTime } from '#services/sql'
import { connectionWebhookUrl } from '#services/webhooks/connection_tokens'
import { startFakeMailchimp, md5 } from './fake_mailchimp.js'
import { consentWithdrawnBy, mailchimpWithAudience, person } from './testbed.js'

/**
 * Mailchimp's webhooks and the daily reconcile (one call per member, or
 * batch operations past the threshold), against Mailchimp's Marketing
 * API on loopback.
 */
type Fake = Awaited<ReturnType<typeof startFakeMailchimp>>

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

  /** Mailchimp's webhook for an address changed there (by the subscriber or an admin) */
  function upemail(url: string, oldEmail: string, newEmail: string, listId: string) {
    const body = new URLSearchParams({
      'type': 'upemail',
      'fired_at': '2026-12-07 03:10:00',
      'data[list_id]': listId,
      'data[new_id]': '51aa6d2f2b',
      'data[new_email]': newEmail,
      'data[old_email]': oldEmail,
    })
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    })
  }

  /** what Mailchimp did before sending upemail: the member moved to its new address */
  function moveMember(members: Map<string, any>, oldEmail: string, newEmail: string) {
    const member = members.get(md5(oldEmail))!
    members.delete(md5(oldEmail))
    members.set(md5(newEmail), { ...member, id: md5(newEmail), email_address: newEmail })
  }

  async function addressChanged(email: string) {
    await processQueueUntil(async () => {
      const pending = await db.from('webhook_deliveries').whereNot('status', 'processed')
      return pending.length === 0
    })
    return db.from('mailchimp_member_addresses').where('email', email).first()
  }

  test('after an upemail webhook the daily sync updates the member at its new address and never re-adds the old one', async ({
    assert,
  }) => {
    const { audienceId, connection } = await mailchimpWithAudience(fake)
    const user = await person({ consent: true, fullName: 'Mary Jackson' })
    const [first] = await new RunSync().execute({ connection, trigger: 'cli' })
    assert.equal(first.status, 'succeeded', first.error ?? '')
    const newEmail = `mary.${Date.now()}@elsewhere.example`
    moveMember(fake.members(audienceId), user.email, newEmail)
    const answer = await upemail(
      await connectionWebhookUrl(connection),
      user.email,
      newEmail,
      audienceId
    )
    assert.equal(answer.status, 202)
    assert.isNotNull(await addressChanged(newEmail))

    user.fullName = 'Mary W. Jackson'
    await user.save()
    const [outcome] = await new RunSync().execute({ connection, trigger: 'cli' })
    assert.equal(outcome.status, 'succeeded', outcome.error ?? '')
    const members = fake.members(audienceId)
    assert.isFalse(members.has(md5(user.email)))
    assert.equal(members.size, 1)
    const member = members.get(md5(newEmail))!
    assert.equal(member.status, 'subscribed')
    assert.equal(member.email_address, newEmail)
    assert.equal(member.merge_fields.LNAME, 'W. Jackson')
    // Sextant's sign-in address is not changed by an unsigned webhook
    const row = await db.from('users').where('id', user.id).firstOrFail()
    assert.equal(row.email, user.email)
  }).timeout(60_000)

  test('an unsubscribe under the address changed in Mailchimp turns the person’s consent off', async ({
    assert,
  }) => {
    const { audienceId, connection } = await mailchimpWithAudience(fake)
    const user = await person({ consent: true })
    const url = await connectionWebhookUrl(connection)
    const newEmail = `moved.${Date.now()}@elsewhere.example`
    const moved = await upemail(url, user.email, newEmail, audienceId)
    assert.equal(moved.status, 202)
    assert.isNotNull(await addressChanged(newEmail))
    const unsubscribed = await unsubscribe(url, newEmail, audienceId)
    assert.equal(unsubscribed.status, 202)
    await processQueueUntil(async () => (await consentWithdrawnBy(user.email)) !== null)
    assert.equal(await consentWithdrawnBy(user.email), 'mailchimp-webhook')
  }).timeout(60_000)

  test('an upemail about an address that is nobody in Sextant records nothing', async ({
    assert,
  }) => {
    const { audienceId, connection } = await mailchimpWithAudience(fake)
    const url = await connectionWebhookUrl(connection)
    const answer = await upemail(url, 'stranger@example.org', 'other@example.org', audienceId)
    assert.equal(answer.status, 202)
    assert.isNull(await addressChanged('other@example.org'))
  })

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

  test('the same unsubscribe posted twice is stored once (deduplicated by a digest of the body)', async ({
    assert,
  }) => {
    const { audienceId, connection } = await mailchimpWithAudience(fake)
    const user = await person({ consent: true })
    const url = await connectionWebhookUrl(connection)
    const first = await unsubscribe(url, user.email, audienceId)
    const again = await unsubscribe(url, user.email, audienceId)
    assert.equal(first.status, 202)
    assert.isBelow(again.status, 300)
    const rows = await db.from('webhook_deliveries').where('plugin_id', 'mailchimp')
    assert.lengthOf(rows, 1)
    assert.equal(rows[0].event, 'unsubscribe')
  })

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

  test('a failed sync records why, in words, as the connection’s last error (shown on Admin → Integrations)', async ({
    assert,
  }) => {
    const { connection } = await mailchimpWithAudience(fake)
    await person({ consent: true })
    connection.sealCredentials({ apiKey: 'revoked-us21' })
    await connection.save()
    const [outcome] = await new RunSync().execute({ connection, trigger: 'cli' })
    assert.equal(outcome.status, 'failed')
    assert.include(outcome.error ?? '', 'Mailchimp answered 401 API Key Invalid')
    await connection.refresh()
    assert.include(connection.lastError ?? '', 'audience: Mailchimp answered 401 API Key Invalid')
    assert.notInclude(connection.lastError ?? '', 'revoked-us21')
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
