import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import RunSync from '#actions/sync/run_sync'
import { SyncRunRecorder } from '#services/sync/sync_run_recorder'
import type { RoleName } from '#services/authorization'
import type Organization from '#models/organization'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { createConnection } from '#tests/helpers/connections'
import {
  seedRepositories,
  startFakeProvider,
  type FakeProvider,
} from '#tests/helpers/fake_provider'
import { WebClient } from '#tests/helpers/web_client'

/**
 * Settings → Connections with the fixture plugin (token auth) against the
 * fake provider API on FIXTURE_API_URL, through real HTTP and the page's
 * own forms.
 */
const PAGE = '/settings/connections'
const HTMX = { 'HX-Request': 'true' }

async function signedIn(role: RoleName, organization?: Organization) {
  const account = await createAccount({ role, organization })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  await web.get(PAGE)
  return { account, web }
}

function connectFixture(web: WebClient, fields: Record<string, string>, baseUrl = '') {
  const form: Record<string, string> = { baseUrl }
  for (const [name, value] of Object.entries(fields)) form[`fields[${name}]`] = value
  return web.post(`${PAGE}/fixture/connect`, form)
}

async function queuedSyncJobs(connectionId: number) {
  const rows = await db.from('queue_jobs').select('data')
  return rows
    .map((row) => JSON.parse(row.data))
    .filter((job) => job.name === 'RunSyncJob' && job.payload?.connectionId === connectionId)
}

test.group('Connections | page and connect', (group) => {
  let provider: FakeProvider

  group.setup(async () => {
    provider = await startFakeProvider()
    return () => provider.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    provider.state.repositories = seedRepositories(2, 3)
    provider.reset()
  })

  test('the page lists every loaded plugin with the way to connect it', async ({ assert }) => {
    const { web } = await signedIn('admin')
    const page = await web.get(PAGE)

    assert.equal(page.status, 200)
    assert.include(page.text, 'Fixture Provider')
    assert.include(page.text, 'A provider used by the test suite')
    assert.include(page.text, 'version 1.0.0')
    assert.include(page.text, 'name="fields[token]"')
    assert.include(page.text, 'name="fields[workspace]"')
    assert.include(page.text, `placeholder="${provider.url}"`)
    assert.include(page.text, 'Connect with Fixture OAuth Provider')
    assert.include(page.headers.get('vary') ?? '', 'HX-Request')
  })

  test('a viewer sees the page without actions and may not connect', async ({ assert }) => {
    const { web } = await signedIn('viewer')
    const page = await web.get(PAGE)
    assert.equal(page.status, 200)
    assert.include(page.text, 'Fixture Provider')
    assert.notInclude(page.text, '/fixture/connect')

    const refused = await connectFixture(web, { token: 'good-token', workspace: 'acme' })
    assert.equal(refused.status, 403)
    assert.lengthOf(await Connection.all(), 0)
  })

  test('a good token connects: active, credentials sealed, first sync queued', async ({
    assert,
  }) => {
    const { account, web } = await signedIn('admin')
    const response = await connectFixture(web, { token: 'good-token', workspace: 'acme' })
    assert.equal(response.status, 302)
    assert.equal(response.location, PAGE)

    const connection = await Connection.findByOrFail('organizationId', account.organization.id)
    assert.equal(connection.status, 'active')
    assert.equal(connection.accountKey, 'acme')
    assert.equal(connection.displayName, 'acme')
    assert.deepEqual(connection.configValues, { workspace: 'acme' })
    assert.deepEqual(connection.openCredentials(), { token: 'good-token' })
    const raw = await db.from('connections').where('id', connection.id).first()
    assert.notInclude(JSON.stringify(raw), 'good-token')
    assert.lengthOf(await queuedSyncJobs(connection.id), 1)

    const page = await web.get(PAGE)
    assert.include(page.text, 'Connected to Fixture Provider (acme)')
    assert.include(page.text, `/settings/connections/${connection.publicId}`)
  })

  test('reconnecting the same account replaces its credentials', async ({ assert }) => {
    const { web } = await signedIn('admin')
    await connectFixture(web, { token: 'stale-token', workspace: 'acme' })
    await web.get(PAGE)
    await connectFixture(web, { token: 'good-token', workspace: 'acme' })

    const connections = await Connection.all()
    assert.lengthOf(connections, 1)
    assert.equal(connections[0].status, 'active')
    assert.deepEqual(connections[0].openCredentials(), { token: 'good-token' })
  })

  test('a refused token is stored as an error with the message shown', async ({ assert }) => {
    const { web } = await signedIn('admin')
    await connectFixture(web, { token: 'wrong-token', workspace: 'acme' })

    const connection = await Connection.firstOrFail()
    assert.equal(connection.status, 'error')
    assert.include(connection.lastError!, 'refused the token')
    assert.lengthOf(await queuedSyncJobs(connection.id), 0)
    const page = await web.get(PAGE)
    assert.include(page.text, 'its test failed: The provider refused the token')
  })

  test('connecting a plugin that is not installed is a 404 and stores nothing', async ({
    assert,
  }) => {
    const { web } = await signedIn('admin')
    const page = await web.post(`${PAGE}/not-installed/connect`, { 'fields[token]': 'good-token' })
    assert.equal(page.status, 404)
    assert.include(page.text, '<h1')
    const htmx = await web.post(
      `${PAGE}/not-installed/connect`,
      { 'fields[token]': 'good-token' },
      { headers: HTMX }
    )
    assert.equal(htmx.status, 404)
    assert.include(htmx.text, 'role="alert"')
    assert.include(htmx.text, 'data-error-code="E_UNKNOWN_PLUGIN"')
    assert.include(htmx.text, 'not-installed&quot; is installed and enabled')
    assert.equal((await web.post('/integrations/not-installed/oauth/start')).status, 404)
    assert.lengthOf(await db.from('connections'), 0)
  })

  test('a missing field or a bad base URL is a 422 with inline errors and no row', async ({
    assert,
  }) => {
    const { web } = await signedIn('admin')
    const missing = await connectFixture(web, { token: 'good-token', workspace: '' })
    assert.equal(missing.status, 422)
    assert.match(missing.text, /class="field-error">[^<]*workspace/i)
    assert.notInclude(missing.text, 'good-token')

    const badUrl = await connectFixture(
      web,
      { token: 'good-token', workspace: 'acme' },
      'ftp://example.org'
    )
    assert.equal(badUrl.status, 422)
    assert.include(badUrl.text, 'Enter a full http:// or https:// address')
    assert.include(badUrl.text, 'value="acme"')
    assert.lengthOf(await Connection.all(), 0)
  })
})

test.group('Connections | test, sync, disconnect', (group) => {
  let provider: FakeProvider

  group.setup(async () => {
    provider = await startFakeProvider()
    return () => provider.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    provider.state.repositories = seedRepositories(2, 3)
    provider.reset()
  })

  test('Test shows the result inline and records it', async ({ assert }) => {
    const { account, web } = await signedIn('admin')
    const good = await createConnection(account.organization)
    const bad = await createConnection(account.organization, {
      accountKey: 'other',
      credentials: { token: 'wrong-token' },
    })

    const passed = await web.post(`${PAGE}/${good.publicId}/test`, {}, { headers: HTMX })
    assert.equal(passed.status, 200)
    assert.notInclude(passed.text, '<html')
    assert.include(passed.text, 'data-test-result="ok"')
    assert.include(passed.text, 'Signed in as fixture-user')

    const failed = await web.post(`${PAGE}/${bad.publicId}/test`, {}, { headers: HTMX })
    assert.include(failed.text, 'data-test-result="failed"')
    await bad.refresh()
    assert.equal(bad.status, 'error')

    // Without JavaScript: back to the page with the result as a flash.
    const plain = await web.post(`${PAGE}/${good.publicId}/test`)
    assert.equal(plain.status, 302)
    assert.include((await web.get(PAGE)).text, 'Test passed: Signed in as fixture-user')
  })

  test('a test that throws is a failed test, not a 500', async ({ assert }) => {
    const { account, web } = await signedIn('admin')
    // Nothing listens on port 9 of loopback: the request itself fails.
    const unreachable = await createConnection(account.organization, {
      baseUrl: 'http://127.0.0.1:9',
    })
    const response = await web.post(`${PAGE}/${unreachable.publicId}/test`, {}, { headers: HTMX })
    assert.equal(response.status, 200)
    assert.include(response.text, 'data-test-result="failed"')
    await unreachable.refresh()
    assert.equal(unreachable.status, 'error')
  })

  test('Sync now queues a job; the run then shows on the pages', async ({ assert }) => {
    const { account, web } = await signedIn('admin')
    const connection = await createConnection(account.organization)

    const queued = await web.post(`${PAGE}/${connection.publicId}/sync`, {}, { headers: HTMX })
    assert.equal(queued.status, 200)
    assert.include(queued.text, 'data-sync-status="queued"')
    assert.include(queued.text, 'hx-trigger="every 2s"')
    assert.lengthOf(await queuedSyncJobs(connection.id), 1)

    // A worker has picked the job up: the page follows the running run.
    const recorder = await SyncRunRecorder.start({
      organizationId: account.organization.id,
      connectionId: connection.id,
      pluginId: 'fixture',
      task: 'items',
      trigger: 'button',
      full: false,
    })
    const running = await web.get(`${PAGE}/${connection.publicId}/status`, HTMX)
    assert.include(running.text, 'data-sync-status="running"')
    assert.include(running.text, 'hx-trigger="every 2s"')
    await db.from('sync_runs').where('id', recorder.id).delete()

    // What the worker does with the job.
    await new RunSync().execute({ connection, trigger: 'button' })

    const status = await web.get(`${PAGE}/${connection.publicId}/status`, HTMX)
    assert.include(status.text, 'data-sync-status="succeeded"')
    assert.notInclude(status.text, 'hx-trigger')
    const page = await web.get(PAGE)
    assert.include(page.text, 'Latest run: <code>items</code>')
    const detail = await web.get(`${PAGE}/${connection.publicId}`)
    assert.equal(detail.status, 200)
    assert.include(detail.text, 'Recent sync runs')
    assert.include(detail.text, '<td>button</td>')
    assert.include(detail.text, 'Workspace acme')
  })

  test('Sync now refuses a connection that is not active', async ({ assert }) => {
    const { account, web } = await signedIn('admin')
    const broken = await createConnection(account.organization, { status: 'error' })
    const response = await web.post(`${PAGE}/${broken.publicId}/sync`)
    assert.equal(response.status, 302)
    assert.include((await web.get(PAGE)).text, 'only an active connection syncs')
    assert.lengthOf(await queuedSyncJobs(broken.id), 0)
  })

  test('Disconnect deletes the connection and keeps its synced data', async ({ assert }) => {
    const { account, web } = await signedIn('admin')
    const connection = await createConnection(account.organization)
    await new RunSync().execute({ connection, trigger: 'button' })
    const [{ total: before }] = await db.from('repositories').count('* as total')
    assert.equal(Number(before), 2)

    await web.get(PAGE)
    const response = await web.post(`${PAGE}/${connection.publicId}/disconnect`)
    assert.equal(response.status, 302)

    assert.isNull(await Connection.find(connection.id))
    const repositories = await db.from('repositories').select('connection_id')
    assert.lengthOf(repositories, 2)
    assert.isTrue(repositories.every((row) => row.connection_id === null))
    assert.lengthOf(await db.from('sync_runs').where('connection_id', connection.id), 0)
    assert.include((await web.get(PAGE)).text, 'The data it synced is kept')
  })

  test('a viewer may not test, sync or disconnect', async ({ assert }) => {
    const { account, web } = await signedIn('viewer')
    const connection = await createConnection(account.organization)
    for (const action of ['test', 'sync', 'disconnect']) {
      const response = await web.post(`${PAGE}/${connection.publicId}/${action}`)
      assert.equal(response.status, 403, action)
    }
    assert.isNotNull(await Connection.find(connection.id))
  })

  test('a connection whose plugin is gone is listed and can be disconnected', async ({
    assert,
  }) => {
    const { account, web } = await signedIn('admin')
    const orphan = await createConnection(account.organization, { pluginId: 'uninstalled' })
    const page = await web.get(PAGE)
    assert.include(page.text, 'No plugin &quot;uninstalled&quot; is installed any more')
    assert.include(page.text, `${PAGE}/${orphan.publicId}/disconnect`)
    assert.notInclude(page.text, `${PAGE}/${orphan.publicId}/test`)
    assert.equal((await web.get(`${PAGE}/${orphan.publicId}`)).status, 200)

    await web.post(`${PAGE}/${orphan.publicId}/disconnect`)
    assert.isNull(await Connection.find(orphan.id))
  })

  test("another organisation's connection is not found", async ({ assert }) => {
    const owner = await createAccount({ role: 'admin' })
    const connection = await createConnection(owner.organization)
    const { web } = await signedIn('admin')

    assert.equal((await web.get(`${PAGE}/${connection.publicId}`)).status, 404)
    assert.equal((await web.get(`${PAGE}/${connection.publicId}/status`, HTMX)).status, 404)
    await web.get(PAGE)
    for (const action of ['test', 'sync', 'disconnect']) {
      const response = await web.post(`${PAGE}/${connection.publicId}/${action}`)
      assert.equal(response.status, 404, action)
    }
    assert.notInclude((await web.get(PAGE)).text, connection.publicId)
    assert.isNotNull(await Connection.find(connection.id))
  })
})
