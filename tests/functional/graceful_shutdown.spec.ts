import { test } from '@japa/runner'
import { request as httpRequest, type ClientRequest } from 'node:http'
import { startServer, stopServer, waitForOk, type ServerProcess } from '#tests/helpers/processes'
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
  request.write(body.subarray(0, 1000))
  return {
    answer,
    finish() {
      request.end(body.subarray(1000))
      return answer
    },
  }
}

async function refusesConnections(port: number) {
  try {
    await fetch(`http://127.0.0.1:${port}/health`)
    return false
  } catch {
    return true
  }
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
    // the server has the request: its headers arrived and it waits for the body
    await new Promise((resolve) => setTimeout(resolve, 300))

    server.child.kill('SIGTERM')
    await waitFor(() => refusesConnections(server!.port), {
      timeoutMs: 10_000,
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
    const inFlight = startSlowRequest(server.port)
    inFlight.answer.catch(() => {})
    await new Promise((resolve) => setTimeout(resolve, 300))

    server.child.kill('SIGTERM')
    assert.equal(await server.exited, 1)
    assert.include(server.output(), 'Shutdown: requests were still running after 1500 ms')
  }).timeout(90_000)
})
