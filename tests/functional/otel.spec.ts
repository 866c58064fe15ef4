import { test } from '@japa/runner'
import { randomBytes } from 'node:crypto'
import { createAccount } from '#tests/helpers/accounts'
import { resetDatabase } from '#tests/helpers/database'
import { createConnection } from '#tests/helpers/connections'
import { buildSmallFixture } from '#tests/helpers/insights'
import {
  startFakeProvider,
  seedRepositories,
  type FakeProvider,
} from '#tests/helpers/fake_provider'
import {
  runAce,
  startServer,
  stopServer,
  waitForOk,
  type ServerProcess,
} from '#tests/helpers/processes'
import { waitFor } from '#tests/helpers/wait'
import { WebClient } from '#tests/helpers/web_client'
import RollUpMetrics from '#actions/insights/roll_up_metrics'

import {
  otelEnv,
  startOtlpReceiver,
  type ExportedSpan,
  type OtlpReceiver,
} from '#tests/helpers/otlp_receiver'

const SERVER_KIND = 2

function isSqlSpan(span: ExportedSpan) {
  return 'db.system' in span.attributes || 'db.system.name' in span.attributes
}

test.group('OpenTelemetry | traces and metrics to an OTLP collector', (group) => {
  let receiver: OtlpReceiver
  let server: ServerProcess

  group.setup(async () => {
    receiver = await startOtlpReceiver()
    server = await startServer(otelEnv(receiver))
    await waitForOk(`http://127.0.0.1:${server.port}/health`)
    return async () => {
      await stopServer(server)
      await receiver.close()
    }
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    receiver.reset()
  })

  test('a request to the Executive Summary is a server span with its SQL spans in the same trace', async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'member' })
    await buildSmallFixture(account.organization.id)
    await new RollUpMetrics().execute({ organizationId: account.organization.id })
    const web = new WebClient(`http://127.0.0.1:${server.port}`)
    await web.signIn(account.email, account.password, account.totpSecret!)

    const page = await web.get('/insights?range=custom&from=2026-03-02&to=2026-03-08')
    assert.equal(page.status, 200, server.output())

    const serverSpan = await waitFor(
      () =>
        receiver.spans().find((span) => span.kind === SERVER_KIND && span.name === 'GET /insights'),
      { timeoutMs: 15_000, what: 'the server span of GET /insights' }
    )
    assert.equal(serverSpan.attributes['http.route'], '/insights')
    assert.equal(serverSpan.attributes['http.response.status_code'], 200)

    const sqlSpans = await waitFor(
      () => {
        const found = receiver
          .spans()
          .filter((span) => span.traceId === serverSpan.traceId && isSqlSpan(span))
        return found.length > 0 ? found : null
      },
      { timeoutMs: 15_000, what: 'SQL spans in the trace of the request' }
    )
    assert.isAbove(sqlSpans.length, 1, 'the page reads more than one table')
    const spanIds = new Set(
      receiver
        .spans()
        .filter((span) => span.traceId === serverSpan.traceId)
        .map((span) => span.spanId)
    )
    for (const sql of sqlSpans) {
      assert.isTrue(spanIds.has(sql.parentSpanId!), `${sql.name} hangs off a span of the request`)
    }

    const resource = JSON.parse(
      receiver.received.find((entry) => entry.path === '/v1/traces')!.body
    ).resourceSpans[0].resource
    assert.deepInclude(resource.attributes, {
      key: 'service.name',
      value: { stringValue: 'sextant-otel-test' },
    })
    const traceRequest = receiver.received.find((entry) => entry.path === '/v1/traces')!
    assert.equal(traceRequest.headers['x-collector-key'], 'collector-key-1')
  }).timeout(60_000)

  test('no Authorization header, cookie or query-string token reaches the collector', async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'member' })
    const web = new WebClient(`http://127.0.0.1:${server.port}`)
    await web.signIn(account.email, account.password, account.totpSecret!)
    const bearer = `sx-bearer-${randomBytes(12).toString('hex')}`
    const queryToken = `sx-query-${randomBytes(12).toString('hex')}`

    await web.get(`/insights?access_token=${queryToken}`, { authorization: `Bearer ${bearer}` })
    await fetch(`http://127.0.0.1:${server.port}/api/v1/me?token=${queryToken}`, {
      headers: { authorization: `Bearer ${bearer}` },
    })
    // the sign-in requests have spans too: wait for these two
    await waitFor(
      () => {
        const exported = receiver.everything()
        return exported.includes('access_token=') && exported.includes('GET /api/v1/me')
      },
      {
        timeoutMs: 15_000,
        what: 'the server spans of both requests',
      }
    )
    const sessionCookie = web.sessionCookie()!
    const exported = receiver.everything()
    assert.notInclude(exported, bearer)
    assert.notInclude(exported, queryToken)
    assert.notInclude(exported, sessionCookie)
    assert.notInclude(exported, account.password)
    assert.include(exported, 'access_token=[redacted]', 'the parameter name stays, not its value')
  }).timeout(60_000)

  test('request latency by route is exported as a metric', async ({ assert }) => {
    await fetch(`http://127.0.0.1:${server.port}/sign-in`)
    const metrics = await waitFor(
      () =>
        receiver.received.find(
          (entry) =>
            entry.path === '/v1/metrics' &&
            entry.body.includes('http.server.request.duration') &&
            entry.body.includes('"/sign-in"')
        ),
      { timeoutMs: 15_000, what: 'http.server.request.duration with the /sign-in route' }
    )
    assert.include(metrics.body, '"http.route"')
  }).timeout(60_000)
})

test.group('OpenTelemetry | a sync run from ace', (group) => {
  let receiver: OtlpReceiver
  let provider: FakeProvider

  group.setup(async () => {
    receiver = await startOtlpReceiver()
    provider = await startFakeProvider()
    return async () => {
      await provider.close()
      await receiver.close()
    }
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    receiver.reset()
  })

  test('is one trace: the command, the run, a span per task and one per page request', async ({
    assert,
  }) => {
    provider.state.repositories = seedRepositories(2, 120)
    const token = `sx-provider-${randomBytes(12).toString('hex')}`
    provider.state.tokens.add(token)
    const account = await createAccount({ role: 'owner' })
    await createConnection(account.organization, { credentials: { token } })

    const result = await runAce(['fetch:data', 'fixture'], otelEnv(receiver))
    assert.equal(result.code, 0, result.stdout + result.stderr)

    // the process flushed its spans before exiting
    const spans = receiver.spans()
    const command = spans.find((span) => span.name === 'ace fetch:data')
    assert.exists(command, spans.map((span) => span.name).join(', '))
    const run = spans.find((span) => span.name === 'sync.run')!
    assert.exists(run)
    assert.equal(run.traceId, command!.traceId)
    assert.equal(run.parentSpanId, command!.spanId)

    const tasks = spans.filter((span) => span.name.startsWith('sync.task '))
    assert.isNotEmpty(tasks)
    for (const task of tasks) assert.equal(task.parentSpanId, run.spanId)

    const taskIds = new Set(tasks.map((task) => task.spanId))
    const pageRequests = spans.filter(
      (span) =>
        span.traceId === run.traceId &&
        taskIds.has(span.parentSpanId!) &&
        String(span.attributes['url.full'] ?? '').startsWith(provider.url)
    )
    const providerRequests = provider.state.requests.length
    assert.equal(pageRequests.length, providerRequests, 'one span per request the provider saw')
    assert.isAbove(providerRequests, 2, 'the sync read several pages')

    assert.isTrue(
      spans.some((span) => span.traceId === run.traceId && isSqlSpan(span)),
      'the writes are in the trace'
    )
    assert.notInclude(receiver.everything(), token, 'the provider token is never exported')
  }).timeout(90_000)

  test('log lines written inside the trace carry its trace id', async ({ assert }) => {
    provider.state.repositories = seedRepositories(1, 5)
    const account = await createAccount({ role: 'owner' })
    // a token the provider refuses: the task fails and logs a warning inside its span
    await createConnection(account.organization, { credentials: { token: 'revoked-token' } })

    const result = await runAce(
      ['fetch:data', 'fixture'],
      otelEnv(receiver, { LOG_LEVEL: 'info', LOG_PRETTY: 'false' })
    )
    const run = receiver.spans().find((span) => span.name === 'sync.run')
    assert.exists(run, result.stdout + result.stderr)
    const warning = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .find((line) => String(line.msg).includes('failed'))
    assert.exists(warning, result.stdout)
    assert.equal(warning.trace_id, run!.traceId)
    assert.match(warning.span_id, /^[0-9a-f]{16}$/)
  }).timeout(90_000)
})

test.group('OpenTelemetry | the default wire format', (group) => {
  let receiver: OtlpReceiver

  group.setup(async () => {
    receiver = await startOtlpReceiver()
    return () => receiver.close()
  })

  test('with no protocol named, an ace command exports OTLP/HTTP protobuf', async ({ assert }) => {
    const env: Record<string, string | undefined> = otelEnv(receiver)
    env.OTEL_EXPORTER_OTLP_PROTOCOL = undefined
    const result = await runAce(['sync:status'], env)
    assert.equal(result.code, 0, result.stdout + result.stderr)

    // the batch processor may send the spans in several exports (a loaded
    // machine): the command's span is in one of them, not always the first
    const traces = receiver.received.filter((entry) => entry.path === '/v1/traces')
    assert.isNotEmpty(traces, receiver.received.map((entry) => entry.path).join(', '))
    for (const entry of traces)
      assert.equal(entry.headers['content-type'], 'application/x-protobuf')
    // protobuf keeps strings as UTF-8 bytes: the span and service names are readable
    const bodies = traces.map((entry) => entry.body).join('\n')
    assert.include(bodies, 'ace sync:status')
    assert.include(bodies, 'sextant-otel-test')
  }).timeout(60_000)
})

test.group('OpenTelemetry | queue jobs', (group) => {
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

  test('"Sync now" queues a job whose run continues the trace of the request', async ({
    assert,
  }) => {
    provider.state.repositories = seedRepositories(1, 10)
    const account = await createAccount({ role: 'admin' })
    const connection = await createConnection(account.organization)
    const web = new WebClient(`http://127.0.0.1:${server.port}`)
    await web.signIn(account.email, account.password, account.totpSecret!)

    await web.get('/settings/connections')
    const queued = await web.post(`/settings/connections/${connection.publicId}/sync`, {})
    assert.oneOf(queued.status, [200, 302, 303], server.output())

    const run = await waitFor(() => receiver.spans().find((span) => span.name === 'sync.run'), {
      timeoutMs: 30_000,
      what: 'the sync.run span of the job',
    })
    const spans = receiver.spans().filter((span) => span.traceId === run.traceId)
    const job = spans.find((span) => span.spanId === run.parentSpanId)
    assert.exists(job, spans.map((span) => span.name).join(', '))
    assert.equal(job!.kind, 5, 'a CONSUMER span for the job')
    assert.equal(job!.attributes['messaging.job.name'], 'RunSyncJob')
    const request = spans.find(
      (span) => span.kind === SERVER_KIND && span.name.startsWith('POST /settings/connections/')
    )
    assert.exists(request, 'the job runs in the trace of the request that queued it')
  }).timeout(90_000)
})
