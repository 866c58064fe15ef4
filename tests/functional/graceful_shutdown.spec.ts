import { test } from '@japa/runner'
import { request as httpRequest, type ClientRequest } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import db from '@adonisjs/lucid/services/db'
import {
  startAce,
  startServer,
  stopServer,
  waitForOk,
  type ServerProcess,
} from '#tests/helpers/processes'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { createConnection } from '#tests/helpers/connections'
import {
  seedRepositories,
  startFakeProvider,
  type FakeProvider,
} from '#tests/helpers/fake_provider'
import RunSyncJob from '#jobs/run_sync_job'
import { waitFor } from '#tests/helpers/wait'

/**
 * A request still in flight: its headers are sent and half of its body;
 * the server waits for the rest. `finish()` sends the rest and resolves
 * with the status the server answered.
 */
function startSlowRequest(port: number) {
  const body = Buffer.from(JSON.stringify({ padding: 'x'.repeat(2000) }))
  let answered: (status: number) => void
  let failed: (error: Error) => void
  const answer = new Promise<number>((resolve, reject) => {
    answered = resolve
    failed = reject
  })
  const request: ClientRequest = httpRequest(
    {
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/webhooks/fixture',
      headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
    },
    (response) => {
      response.resume()
      answered(response.statusCode ?? 0)
    }
  )
  request.on('error', (error) => failed(error))
  // a reset before finish() is awaited fails the test, not the test runner
  answer.catch(() => {})
  request.write(body.subarray(0, 1000))
  return {
    answer,
    finish() {
      request.end(body.subarray(1000))
      return answer
    },
  }
}

/**
 * Whether a new connection is refused. Each probe opens its own socket
 * (no keep-alive pool): a pooled connection opened before the shutdown
 * would still be served and prove nothing.
 */
function refusesConnections(port: number) {
  return new Promise<boolean>((resolve) => {
    const probe = httpRequest(
      { host: '127.0.0.1', port, path: '/health', agent: false, headers: { connection: 'close' } },
      (response) => {
        response.resume()
        resolve(false)
      }
    )
    probe.on('error', () => resolve(true))
    probe.end()
  })
}

async function startedServer(env: Record<string, string> = {}) {
  const server = await startServer({ RUN_WORKER_IN_PROCESS: 'false', ...env })
  await waitForOk(`http://127.0.0.1:${server.port}/health`)
  return server
}

test.group('Graceful shutdown | the web process', (group) => {
  let server: ServerProcess | null = null
  group.each.teardown(async () => {
    if (server) await stopServer(server)
    server = null
  })

  test('on SIGTERM it stops accepting, finishes the request in flight and exits 0', async ({
    assert,
  }) => {
    server = await startedServer()
    const inFlight = startSlowRequest(server.port)
    // the server has the request: its headers arrived and it waits for the
    // body (a connection whose headers are not parsed yet counts as idle and
    // is closed at once, so give a loaded machine time)
    await new Promise((resolve) => setTimeout(resolve, 1500))

    server.child.kill('SIGTERM')
    await waitFor(() => refusesConnections(server!.port), {
      // a loaded machine (CI runs two engines' suites) can take a while
      timeoutMs: 60_000,
      what: 'the server to stop accepting connections',
    })
    assert.isNull(server.child.exitCode, 'the server waits for the request in flight')

    const status = await inFlight.finish()
    // the fixture plugin refuses an unsigned delivery: a real answer, not a reset
    assert.equal(status, 401)
    assert.equal(await server.exited, 0, server.output())
  }).timeout(90_000)

  test('a request that never finishes does not hold the process past the deadline', async ({
    assert,
  }) => {
    server = await startedServer({ SHUTDOWN_TIMEOUT_MS: '1500' })
    // its answer never comes: the request is cut when the process exits
    startSlowRequest(server.port)
    await new Promise((resolve) => setTimeout(resolve, 1500))

    server.child.kill('SIGTERM')
    assert.equal(await server.exited, 1)
    assert.include(server.output(), 'Shutdown: requests were still running after 1500 ms')
  }).timeout(90_000)
})

/**
 * The fixture plugin's sync against the fake provider: 30 repositories of
 * 250 items, pages of 100 (see sync_engine.spec.ts).
 */
const REPOSITORIES = 30
const ITEMS = 250

async function issueCount() {
  const [{ total }] = await db.from('issues').count('* as total')
  return Number(total)
}

async function pendingJobs() {
  const [{ total }] = await db.from('queue_jobs').where('status', 'pending').count('* as total')
  return Number(total)
}

test.group('Graceful shutdown | a queue worker running a sync', (group) => {
  let provider: FakeProvider
  group.setup(async () => {
    provider = await startFakeProvider()
    return () => provider.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    provider.state.repositories = seedRepositories(REPOSITORIES, ITEMS)
    provider.reset()
  })

  test('on SIGTERM the sync stops between pages, keeps its cursor, goes back to the queue and resumes', async ({
    assert,
  }) => {
    const connection = await createConnection(await createOrganization())
    const env = { SYNC_LOCK_TTL_MS: '1500' }
    provider.state.faults.latencyMs = 40
    await RunSyncJob.dispatch({ connectionId: connection.id, trigger: 'button' })

    const worker = startAce(['queue:work'], env)
    await waitFor(async () => (await issueCount()) >= 1600, {
      timeoutMs: 90_000,
      intervalMs: 25,
      what: 'the sync to be part-way through',
    })
    // A slow database at shutdown: the sync's last writes wait 1.5 s on a
    // lock, well past the worker's polling loop, which ends within its idle
    // delay (500 ms). The queue must still be there when the sync goes back.
    const [running] = await db.from('sync_runs').orderBy('id', 'desc').limit(1)
    const slowDatabase = await db.transaction()
    await slowDatabase.from('sync_runs').where('id', running.id).update({ status: running.status })
    const stopped = worker.stop()
    await sleep(1500)
    await slowDatabase.commit()
    assert.equal(await stopped, 0, worker.output())

    const partial = await issueCount()
    assert.isBelow(partial, REPOSITORIES * ITEMS, 'it stopped before the end')
    const [run] = await db.from('sync_runs').orderBy('id', 'desc').limit(1)
    assert.equal(run.status, 'interrupted')
    const cursors = await db.from('sync_cursors').where('connection_id', connection.id)
    assert.isAbove(cursors.length, 0, 'the pages read so far are remembered')
    assert.equal(await pendingJobs(), 1, 'the sync went back to the queue')

    const readBeforeStop = provider.listRequests().length
    provider.state.faults.latencyMs = 0
    const next = startAce(['queue:work'], env)
    await waitFor(
      async () =>
        (await db.from('sync_runs').where('status', 'succeeded').first()) !== null &&
        (await pendingJobs()) === 0,
      { timeoutMs: 120_000, what: 'the resumed sync to finish' }
    )
    await next.stop()
    assert.equal(await issueCount(), REPOSITORIES * ITEMS)
    // the resumed run read less than a whole run (91 lists): it did not
    // start again from the first repository
    const wholeRun = 1 + REPOSITORIES * Math.ceil(ITEMS / 100)
    assert.isBelow(provider.listRequests().length - readBeforeStop, wholeRun)
  }).timeout(300_000)
})
