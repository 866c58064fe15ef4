import { test } from '@japa/runner'
import Connection from '#models/connection'
import RunSync from '#actions/sync/run_sync'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import type { FakeGitHub } from './fake_github/server.js'
import { connectInstallation, startGitHub } from './testbed.js'

const MINUTE = 60_000

/**
 * Installation tokens last an hour; Sextant keeps the one it minted sealed
 * on the connection and mints a new one only when the stored one has less
 * than five minutes left, once, however many callers need it at the time.
 */
test.group('GitHub installation tokens', (group) => {
  let github: FakeGitHub
  let installation = 9500
  group.setup(async () => {
    github = await startGitHub()
    return () => github.stop()
  })
  group.each.setup(resetDatabase())

  /** a connection whose stored token, minted by fake GitHub, expires in `expiresInMs` */
  async function connectionWithToken(expiresInMs: number) {
    const id = ++installation
    github.addInstallation({ id, account: { login: `org${id}`, type: 'Organization' } })
    github.seedOrganization(id, 2, 1)
    const connection = await connectInstallation(await createOrganization(), id)
    const token = github.mintInstallationToken(id)
    connection.sealCredentials({
      accessToken: token,
      accessTokenExpiresAt: String(Date.now() + expiresInMs),
    })
    await connection.save()
    return { connection, token }
  }

  /** the token each of `callers` separately loaded copies of the connection asks for, at once */
  async function tokensForCallers(connection: Connection, callers: number) {
    const plugin = pluginRegistry.require('github')
    const copies = await Promise.all(
      Array.from({ length: callers }, () => Connection.findOrFail(connection.id))
    )
    return Promise.all(copies.map((copy) => connectionHandle(copy, plugin).accessToken()))
  }

  function storedToken(connection: Connection) {
    return Connection.findOrFail(connection.id).then((fresh) => fresh.openCredentials())
  }

  test('a token with more than five minutes left is used as it is', async ({ assert }) => {
    const { connection, token } = await connectionWithToken(6 * MINUTE)
    const issued = github.tokensIssued

    const tokens = await tokensForCallers(connection, 2)

    assert.deepEqual(tokens, [token, token])
    assert.equal(github.tokensIssued, issued, 'nothing minted')
  })

  test('a token about to expire is renewed once for two callers at the same moment', async ({
    assert,
  }) => {
    const { connection, token } = await connectionWithToken(4 * MINUTE)
    const issued = github.tokensIssued

    const tokens = await tokensForCallers(connection, 2)

    assert.equal(github.tokensIssued, issued + 1, 'minted exactly once')
    assert.notEqual(tokens[0], token)
    assert.equal(tokens[1], tokens[0], 'both callers use the new token')
    const stored = await storedToken(connection)
    assert.equal(stored.accessToken, tokens[0])
    const lifetime = Number(stored.accessTokenExpiresAt) - Date.now()
    assert.isAbove(lifetime, 55 * MINUTE, 'the new token has its hour')

    // The renewed token is the one a sync then uses, without minting again.
    const [outcome] = await new RunSync().execute({
      connection: await Connection.findOrFail(connection.id),
      tasks: ['repositories'],
      trigger: 'cli',
    })
    assert.equal(outcome.status, 'succeeded', outcome.error ?? '')
    assert.equal(github.tokensIssued, issued + 1)
  })

  test('an expired token is renewed once for five callers', async ({ assert }) => {
    const { connection, token } = await connectionWithToken(-MINUTE)
    const issued = github.tokensIssued

    const tokens = await tokensForCallers(connection, 5)

    assert.equal(github.tokensIssued, issued + 1)
    assert.lengthOf(new Set(tokens), 1)
    assert.notEqual(tokens[0], token)
  })
})
