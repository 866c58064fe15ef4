import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { WebClient } from '#tests/helpers/web_client'
import { runAce, startServer, stopServer, waitForOk } from '#tests/helpers/processes'

/** a failed sign-in through a server that trusts `proxies`, sent with X-Forwarded-For */
async function recordedAddress(proxies: string, forwardedFor: string) {
  const server = await startServer({ TRUSTED_PROXIES: proxies, RUN_WORKER_IN_PROCESS: 'false' })
  try {
    await waitForOk(`http://127.0.0.1:${server.port}/health`)
    const web = new WebClient(`http://127.0.0.1:${server.port}`)
    await web.post(
      '/sign-in',
      { email: 'nobody@example.org', password: 'wrong password' },
      { headers: { 'x-forwarded-for': forwardedFor } }
    )
    const event = await db.from('audit_events').where('event', 'sign_in.failed').first()
    return event?.ip ?? null
  } finally {
    await stopServer(server)
  }
}

test.group('Security | X-Forwarded-For only from trusted proxies', (group) => {
  group.each.setup(resetDatabase())

  test('a client that is not a trusted proxy cannot choose its own address', async ({ assert }) => {
    assert.equal(await recordedAddress('203.0.113.7', '198.51.100.9'), '127.0.0.1')
  }).timeout(90_000)

  test('behind a trusted proxy, the client address it forwards is used', async ({ assert }) => {
    assert.equal(await recordedAddress('127.0.0.1/8', '198.51.100.9'), '198.51.100.9')
  }).timeout(90_000)

  test('a TRUSTED_PROXIES value that is not an address stops with one line', async ({ assert }) => {
    const result = await runAce(['migration:status'], { TRUSTED_PROXIES: 'loopback, my-proxy' })
    assert.equal(result.code, 1)
    assert.lengthOf(result.stderr.trim().split('\n'), 1, result.stderr)
    assert.include(result.stderr, 'TRUSTED_PROXIES')
    assert.include(result.stderr, 'my-proxy')
  }).timeout(60_000)
})
