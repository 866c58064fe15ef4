import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import type { FakeGitHub } from './fake_github/server.js'
import {
  connectInstallation,
  deliver,
  deliveryStatus,
  processQueueUntil,
  startGitHub,
} from './testbed.js'
import { installationEvent } from './payloads.js'

/**
 * Disconnecting GitHub uninstalls the App from the account
 * (DELETE /app/installations/{id} with the App's JWT) in the plugin's
 * onDisconnecting hook, from a queue worker; when GitHub itself reports
 * the uninstall (installation.deleted), nothing is called.
 */
const PAGE = '/settings/connections'
let nextInstallation = 9100

test.group('GitHub disconnect', (group) => {
  let github: FakeGitHub
  group.setup(async () => {
    github = await startGitHub()
    return () => github.stop()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    github.state.faults.uninstallFailures = 0
  })

  async function connectedAdmin() {
    const installationId = ++nextInstallation
    github.addInstallation({ id: installationId, account: { login: 'acme', type: 'Organization' } })
    const account = await createAccount({ role: 'admin' })
    const connection = await connectInstallation(account.organization, installationId)
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    await web.get(PAGE)
    return { installationId, connection, web }
  }

  function uninstallCalls(installationId: number) {
    return github.requests.filter(
      (request) =>
        request.method === 'DELETE' && request.path === `/app/installations/${installationId}`
    )
  }

  // by plugin: the run's connection_id is cleared once the connection is deleted
  function untilHook(status: string, attempts = 1) {
    return processQueueUntil(async () => {
      const run = await db
        .from('plugin_hook_runs')
        .where({ plugin_id: 'github', hook: 'disconnecting' })
        .orderBy('id', 'desc')
        .first()
      return run?.status === status && Number(run.attempts) >= attempts
    })
  }

  test('a member disconnects: the App is uninstalled with its JWT, then the connection goes', async ({
    assert,
  }) => {
    const { installationId, connection, web } = await connectedAdmin()
    const response = await web.post(`${PAGE}/${connection.publicId}/disconnect`)
    assert.equal(response.status, 302)
    await connection.refresh()
    assert.equal(connection.status, 'disconnecting')

    await untilHook('succeeded')
    const calls = uninstallCalls(installationId)
    assert.lengthOf(calls, 1)
    assert.equal(calls[0].authorization, 'jwt')
    assert.equal(calls[0].status, 204)
    assert.isFalse(github.state.installations.has(installationId))
    assert.isNull(await Connection.find(connection.id))
  })

  test('an uninstall GitHub refuses is shown on the page, and Retry finishes it', async ({
    assert,
  }) => {
    const { installationId, connection, web } = await connectedAdmin()
    github.state.faults.uninstallFailures = 1_000
    await web.post(`${PAGE}/${connection.publicId}/disconnect`)
    await untilHook('failed', 4)

    const page = await web.get(`${PAGE}/${connection.publicId}`)
    assert.equal(page.status, 200)
    assert.include(page.text, 'data-hook="disconnecting" data-hook-status="failed"')
    assert.include(page.text, `${PAGE}/${connection.publicId}/hooks/disconnecting/retry`)
    assert.isTrue(github.state.installations.has(installationId))
    assert.isNotNull(await Connection.find(connection.id))

    github.state.faults.uninstallFailures = 0
    const retried = await web.post(`${PAGE}/${connection.publicId}/hooks/disconnecting/retry`, {
      back: 'connection',
    })
    assert.equal(retried.status, 302)
    await untilHook('succeeded')
    assert.isFalse(github.state.installations.has(installationId))
    assert.isNull(await Connection.find(connection.id))
  }).timeout(90_000)

  test('an installation GitHub no longer has counts as uninstalled', async ({ assert }) => {
    const { installationId, connection, web } = await connectedAdmin()
    github.state.installations.delete(installationId)
    await web.post(`${PAGE}/${connection.publicId}/disconnect`)
    await untilHook('succeeded')
    assert.equal(uninstallCalls(installationId)[0]?.status, 404)
    assert.isNull(await Connection.find(connection.id))
  })

  test('when GitHub reports the uninstall (installation.deleted), nothing is called back', async ({
    assert,
  }) => {
    const { installationId, connection } = await connectedAdmin()
    const id = randomUUID()
    await deliver('installation', installationEvent(github, 'deleted', installationId), { id })
    await processQueueUntil(async () => (await deliveryStatus(id)) === 'processed')
    assert.isNull(await Connection.find(connection.id))
    assert.lengthOf(uninstallCalls(installationId), 0)
    assert.lengthOf(await db.from('plugin_hook_runs').where('hook', 'disconnecting'), 0)
  })
})
