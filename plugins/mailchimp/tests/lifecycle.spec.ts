import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import DisconnectConnection from '#actions/connections/disconnect_connection'
import { finishConnecting } from '#actions/connections/store_connection'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionWebhookUrl } from '#services/webhooks/connection_tokens'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#plugin-sdk/testing'
import { processQueueUntil } from '#tests/helpers/queue'
import { startFakeMailchimp } from './fake_mailchimp.js'
import { mailchimpWithAudience } from './testbed.js'

/**
 * Connecting registers the connection's own webhook URL with Mailchimp
 * (which checks it with a GET first); disconnecting removes it.
 */
type Fake = Awaited<ReturnType<typeof startFakeMailchimp>>

async function hookRunsSettled() {
  await processQueueUntil(async () => {
    const [row] = await db
      .from('plugin_hook_runs')
      .whereIn('status', ['pending', 'running', 'failed'])
      .count('* as n')
    return Number(row.n) === 0
  })
}

test.group('Mailchimp | webhook registration', (group) => {
  let fake: Fake
  group.setup(async () => {
    fake = await startFakeMailchimp()
    return () => fake.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => withEnv({ MAILCHIMP_API_URL: fake.url, MAILCHIMP_RETRY_BASE_MS: '10' }))

  test('connecting registers the connection’s URL after Mailchimp’s GET check; disconnecting deletes it', async ({
    assert,
  }) => {
    const { connection } = await mailchimpWithAudience(fake)
    connection.status = 'pending'
    await connection.save()
    const outcome = await finishConnecting(connection, pluginRegistry.require('mailchimp'))
    assert.isTrue(outcome.test?.ok, outcome.test?.message)
    await hookRunsSettled()

    const url = await connectionWebhookUrl(connection)
    const webhooks = [...fake.state.webhooks.values()]
    assert.deepEqual(
      webhooks.map((hook) => hook.url),
      [url]
    )
    await connection.refresh()
    assert.equal(connection.configValues.webhookId, webhooks[0].id)

    await new DisconnectConnection().execute({
      organization: null,
      connectionPublicId: connection.publicId,
    })
    await hookRunsSettled()
    assert.equal(fake.state.webhooks.size, 0)
    assert.isNull(await Connection.find(connection.id))
  }).timeout(60_000)
})
