import { test } from '@japa/runner'
import { createHmac } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { createAccount } from '#tests/helpers/accounts'
import { resetDatabase } from '#tests/helpers/database'
import { createConnection } from '#tests/helpers/connections'
import {
  seedRepositories,
  startFakeProvider,
  type FakeProvider,
} from '#tests/helpers/fake_provider'
import { startServer, stopServer, waitForOk, type ServerProcess } from '#tests/helpers/processes'
import { otelEnv, startOtlpReceiver, type OtlpReceiver } from '#tests/helpers/otlp_receiver'
import { waitFor } from '#tests/helpers/wait'
import RunSyncJob from '#jobs/run_sync_job'

/** a delivery for the fixture plugin; `signature` overrides the right one */
function deliver(port: number, id: string, signature?: string) {
  const body = JSON.stringify({ action: 'updated', account: 'acme', item: { id: `item-${id}` } })
  const right = createHmac('sha256', process.env.FIXTURE_WEBHOOK_SECRET!).update(body).digest('hex')
  return fetch(`http://127.0.0.1:${port}/api/webhooks/fixture`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-fixture-signature': `sha256=${signature ?? right}`,
      'x-fixture-delivery': id,
      'x-fixture-event': 'item',
    },
    body,
  })
}

test.group("OpenTelemetry | Sextant's metrics through the OTLP exporter", (group) => {
  let receiver: OtlpReceiver
  let provider: FakeProvider
  let server: ServerProcess

  group.setup(async () => {
    receiver = await startOtlpReceiver()
    // before the server: it inherits FIXTURE_API_URL
    provider = await startFakeProvider()
    server = await startServer(otelEnv(receiver, { RUN_WORKER_IN_PROCESS: 'true' }))
    await waitForOk(`http://127.0.0.1:${server.port}/health`)
    return async () => {
      await stopServer(server)
      await provider.close()
      await receiver.close()
    }
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    receiver.reset()
  })

  test('webhook deliveries are counted by outcome, received and processed, with their latency', async ({
    assert,
  }) => {
    await createConnection((await createAccount({ role: 'owner' })).organization)
    const grown = await receiver.metricsBaseline()

    assert.equal((await deliver(server.port, 'metrics-1')).status, 202, server.output())
    assert.equal((await deliver(server.port, 'metrics-1')).status, 202, 'a duplicate')
    assert.equal((await deliver(server.port, 'metrics-2', 'f'.repeat(64))).status, 401)
    const unknown = await fetch(`http://127.0.0.1:${server.port}/api/webhooks/no-such`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    assert.equal(unknown.status, 404)

    const received = 'sextant.webhook.deliveries.received'
    const processed = 'sextant.webhook.deliveries.processed'
    const fixture = { 'sextant.plugin': 'fixture' }
    const done = { ...fixture, 'sextant.webhook.outcome': 'processed' }
    await waitFor(
      () =>
        grown(received, { 'sextant.webhook.outcome': 'refused' }) === 2 &&
        grown(processed, done) === 1,
      { timeoutMs: 30_000, what: 'both refusals and the processed delivery in the metrics' }
    )
    assert.equal(grown(received, { ...fixture, 'sextant.webhook.outcome': 'accepted' }), 1)
    assert.equal(grown(received, { ...fixture, 'sextant.webhook.outcome': 'duplicate' }), 1)
    assert.equal(grown(received, { ...fixture, 'sextant.webhook.outcome': 'refused' }), 1)
    assert.equal(
      grown(received, { 'sextant.plugin': 'unknown', 'sextant.webhook.outcome': 'refused' }),
      1,
      'a plugin id no plugin has is not a series of its own'
    )
    assert.equal(grown(processed, {}), 1, 'one delivery, processed once')
    const [{ total }] = await db.from('fixture_webhook_effects').count('* as total')
    assert.equal(Number(total), 1)
    assert.equal(grown('sextant.webhook.delivery.latency', done), 1, 'one latency measurement')
    assert.isAtLeast(
      grown('http.server.request.duration', { 'http.route': '/api/webhooks/:plugin' }),
      3,
      'the requests by route pattern, never by URL'
    )
    const metrics = receiver.received.filter((entry) => entry.path === '/v1/metrics')
    assert.notInclude(metrics.map((entry) => entry.body).join('\n'), 'no-such')
  }).timeout(60_000)

  test('a queued job reports its duration', async ({ assert }) => {
    await createConnection((await createAccount({ role: 'owner' })).organization)
    const grown = await receiver.metricsBaseline()
    assert.equal((await deliver(server.port, 'metrics-job')).status, 202, server.output())

    const job = {
      'messaging.job.name': 'ProcessWebhookJob',
      'messaging.destination.name': 'default',
      'sextant.job.outcome': 'succeeded',
    }
    await waitFor(() => grown('sextant.queue.job.duration', job) === 1, {
      timeoutMs: 30_000,
      what: 'sextant.queue.job.duration of the webhook job',
    })
    assert.equal(grown('sextant.queue.job.duration', { 'sextant.job.outcome': 'failed' }), 0)
  }).timeout(60_000)

  test('the queue depth counts the jobs waiting', async ({ assert }) => {
    // seven syncs on a slow provider: the worker runs five at a time, the others wait
    provider.state.repositories = seedRepositories(1, 5)
    provider.state.faults.latencyMs = 1500
    const organization = (await createAccount({ role: 'owner' })).organization
    // each connection stored while the syncs queued before it run in the
    // worker process: on SQLite a connect's read-then-write transaction
    // races their commits (begun IMMEDIATE, app/services/sqlite_connection.ts)
    for (let index = 0; index < 7; index++) {
      const connection = await createConnection(organization, { accountKey: `acme-${index}` })
      await RunSyncJob.dispatch({ connectionId: connection.id, trigger: 'button' })
    }
    const waiting = () =>
      receiver
        .metricHistory('sextant.queue.depth')
        .filter((point) => point.attributes['messaging.destination.name'] === 'default')
        .map((point) => point.value)
    try {
      await waitFor(() => waiting().some((depth) => depth > 0), {
        timeoutMs: 30_000,
        what: 'jobs waiting while the worker runs five syncs',
      })
    } finally {
      provider.state.faults.latencyMs = 0
    }
    await waitFor(() => receiver.metricPoints('sextant.queue.depth').at(-1)?.value === 0, {
      timeoutMs: 60_000,
      what: 'the depth back to 0 once every sync ran',
    })
    const finished = await waitFor(
      async () => {
        const runs = await db.from('sync_runs').whereNotNull('finished_at')
        return runs.length === 7 ? runs : null
      },
      { timeoutMs: 60_000, what: 'all seven syncs to finish' }
    )
    assert.lengthOf(finished, 7)
    assert.isAtMost(Math.max(...waiting()), 7, 'never more waiting than were queued')
  }).timeout(120_000)

  test('a sync counts its requests and the rate-limit headroom per connection, naming no user', async ({
    assert,
  }) => {
    provider.state.repositories = seedRepositories(2, 30)
    provider.reset()
    const account = await createAccount({ role: 'owner' })
    const connection = await createConnection(account.organization)
    // what the fake announces before the sync (a refused request costs nothing)
    const before = await fetch(`${provider.url}/repos`)
    const announced = Number(before.headers.get('x-ratelimit-remaining'))
    provider.reset()
    const grown = await receiver.metricsBaseline()
    await RunSyncJob.dispatch({ connectionId: connection.id, trigger: 'button' })

    const byConnection = {
      'sextant.plugin': 'fixture',
      'sextant.connection': connection.publicId,
    }
    await waitFor(
      async () => (await db.from('sync_runs').where('status', 'succeeded').first()) ?? null,
      { timeoutMs: 45_000, what: 'the sync run to succeed' }
    )
    await waitFor(
      () => grown('sextant.sync.requests', byConnection) === provider.state.requests.length,
      {
        timeoutMs: 15_000,
        what: `sextant.sync.requests to count the ${provider.state.requests.length} requests the provider saw`,
      }
    )
    assert.equal(
      grown('sextant.sync.requests', { ...byConnection, 'http.response.status_class': '2xx' }),
      provider.state.requests.filter((request) => request.status === 200).length
    )
    assert.isAbove(provider.state.requests.length, 2, 'the sync read several pages')

    // the fake announces a 5,000-request window and one request fewer after each page read
    const pages = provider.state.requests.filter((request) => request.status === 200).length
    const ofConnection = (name: string) =>
      receiver
        .metricPoints(name)
        .filter((point) => point.attributes['sextant.connection'] === connection.publicId)
    const remaining = ofConnection('sextant.sync.rate_limit.remaining')
    const limit = ofConnection('sextant.sync.rate_limit.limit')
    assert.lengthOf(remaining, 1, 'one series for the connection')
    assert.deepEqual(remaining[0].attributes, byConnection)
    assert.isAtLeast(remaining[0].value, announced - pages)
    assert.isBelow(remaining[0].value, announced)
    assert.deepEqual(
      limit.map((point) => [point.attributes, point.value]),
      [[byConnection, 5000]]
    )

    const metrics = receiver.received
      .filter((entry) => entry.path === '/v1/metrics')
      .map((entry) => entry.body)
      .join('\n')
    assert.notInclude(metrics, account.email)
    assert.notInclude(metrics, account.user.publicId)
    assert.notInclude(metrics, 'good-token')
  }).timeout(90_000)
})
