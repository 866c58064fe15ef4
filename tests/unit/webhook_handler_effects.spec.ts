import { test } from '@japa/runner'
import type { Group } from '@japa/runner/core'
import { createHash } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type Connection from '#models/connection'
import type Organization from '#models/organization'
import ProcessWebhookDelivery from '#actions/webhooks/process_webhook_delivery'
import { upsertConnection } from '#actions/connections/store_connection'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import { sqlTime } from '#services/sql'
import { createOrganization } from '#tests/helpers/factories'
import { createConnection } from '#tests/helpers/connections'
import { resetDatabase } from '#tests/helpers/database'
import { saveAiCodePolicy } from '#tests/helpers/ai_code_policy'
import { startFakeProvider, type FakeProvider } from '#tests/helpers/fake_provider'

/**
 * What a webhook handler does through the core while a delivery is
 * processed, called directly on the real database with the fake provider
 * taking the status checks (Bitbucket-style build statuses):
 *
 * - the fixture plugin's "build.finished" handler posts a status check on
 *   the pull request the delivery names (context.statusChecks) and keeps
 *   the outcome it was given in fixture_webhook_effects;
 * - its "pull_request.opened" handler writes a pull request through the
 *   connection's store, and the core then checks it against the
 *   organisation's AI-code policy.
 *
 * Each effect is counted on the fake provider, so "once" means one post.
 * These run per mutant in "npm run mutate -- webhook-processing".
 */
const HEAD = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00'

let sequence = 0

async function storedDelivery(event: string, payload: unknown, connectionId: number | null) {
  sequence += 1
  const body = JSON.stringify(payload)
  const [action, ...rest] = event.split('.').reverse()
  const [row] = await db
    .table('webhook_deliveries')
    .insert({
      plugin_id: 'fixture',
      delivery_id: `handler-delivery-${sequence}`,
      event: rest.reverse().join('.'),
      action,
      connection_id: connectionId,
      headers: JSON.stringify({ 'content-type': 'application/json' }),
      payload: body,
      body_digest: createHash('sha256').update(body).digest('hex'),
      status: 'pending',
      attempts: 0,
      received_at: sqlTime(),
      updated_at: sqlTime(),
    })
    .returning('id')
  return Number(typeof row === 'object' ? row.id : row)
}

/** a repository and an open pull request with a head commit, written through the connection's store */
async function pullRequestOn(connection: Connection, externalId = 'pr-1') {
  const handle = connectionHandle(connection, pluginRegistry.require(connection.pluginId))
  await handle.store.upsertRepositories([
    { externalId: 'r0', name: 'repo-00', fullName: 'acme/repo-00' },
  ])
  await handle.store.upsertPullRequests([
    {
      externalId,
      repositoryExternalId: 'r0',
      number: 1,
      title: 'A change',
      state: 'open',
      headSha: HEAD,
      openedAt: new Date().toISOString(),
    },
  ])
  const row = await db
    .from('pull_requests')
    .where('organization_id', connection.organizationId!)
    .where('provider', connection.pluginId)
    .where('external_id', externalId)
    .firstOrFail()
  return Number(row.id)
}

function buildFinished(pull: string, state: 'success' | 'failure' = 'success') {
  return { build: { pull, state, title: state === 'success' ? 'Build passed' : 'Build broke' } }
}

/** what each handling of "build.finished" was told by the core */
async function outcomes() {
  const rows = await db.from('fixture_webhook_effects').orderBy('id')
  return rows.map((row) => JSON.parse(row.outcome))
}

type Scene = { provider: FakeProvider; organization: Organization; connection: Connection }

/**
 * What both groups start from: the fake provider, up for the group, and
 * for each test an emptied database with one organisation and its fixture
 * connection.
 */
function providerOrganizationAndConnection(group: Group) {
  const scene = {} as Scene
  group.setup(async () => {
    scene.provider = await startFakeProvider()
    return () => scene.provider.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(async () => {
    scene.provider.reset()
    scene.organization = await createOrganization()
    scene.connection = await createConnection(scene.organization)
  })
  return scene
}

test.group('Webhook processing | a handler posts a status check', (group) => {
  const scene = providerOrganizationAndConnection(group)

  test('the status is posted once on the pull request the delivery names, and recorded', async ({
    assert,
  }) => {
    const pullRequestId = await pullRequestOn(scene.connection)
    const id = await storedDelivery('build.finished', buildFinished('pr-1'), scene.connection.id)

    assert.equal(await new ProcessWebhookDelivery().execute(id), 'processed')

    const statuses = scene.provider.state.buildStatuses.statuses
    assert.lengthOf(statuses, 1)
    assert.equal(statuses[0].repository, 'repo-00')
    assert.equal(statuses[0].commit, HEAD)
    assert.equal(statuses[0].key, 'fixture/build')
    assert.equal(statuses[0].name, 'Fixture build')
    assert.equal(statuses[0].description, 'Build passed')
    assert.deepEqual(statuses[0].history, ['SUCCESSFUL'])
    assert.deepEqual(await outcomes(), [
      {
        outcome: 'posted',
        externalId: statuses[0].uuid,
        url: `${scene.provider.url}/repos/repo-00/commit/${HEAD}/statuses/build/fixture/build`,
      },
    ])
    const posts = await db.from('status_check_posts')
    assert.lengthOf(posts, 1)
    assert.equal(posts[0].organization_id, scene.organization.id)
    assert.equal(posts[0].pull_request_id, pullRequestId)
    assert.equal(posts[0].report_key, 'fixture/build')
    assert.equal(posts[0].state, 'success')
    assert.equal(posts[0].status, 'posted')
  })

  test('processing the delivery again posts nothing more', async ({ assert }) => {
    await pullRequestOn(scene.connection)
    const id = await storedDelivery('build.finished', buildFinished('pr-1'), scene.connection.id)
    await new ProcessWebhookDelivery().execute(id)

    assert.equal(await new ProcessWebhookDelivery().execute(id), 'skipped')

    assert.deepEqual(scene.provider.state.buildStatuses.statuses[0].history, ['SUCCESSFUL'])
    assert.lengthOf(await outcomes(), 1)
  })

  test('a later delivery for the same pull request updates the same status', async ({ assert }) => {
    await pullRequestOn(scene.connection)
    for (const state of ['failure', 'success'] as const) {
      const id = await storedDelivery(
        'build.finished',
        buildFinished('pr-1', state),
        scene.connection.id
      )
      await new ProcessWebhookDelivery().execute(id)
    }

    const statuses = scene.provider.state.buildStatuses.statuses
    assert.lengthOf(statuses, 1)
    assert.deepEqual(statuses[0].history, ['FAILED', 'SUCCESSFUL'])
    assert.lengthOf(await db.from('status_check_posts'), 1)
  })

  test('a pull request the organisation does not have on this provider is "no such pull request"', async ({
    assert,
  }) => {
    // the same external id in another organisation, and on another provider in this one
    const other = await createOrganization()
    await pullRequestOn(await createConnection(other))
    await pullRequestOn(await createConnection(scene.organization, { pluginId: 'fixture-oauth' }))
    const id = await storedDelivery('build.finished', buildFinished('pr-1'), scene.connection.id)

    assert.equal(await new ProcessWebhookDelivery().execute(id), 'processed')

    assert.deepEqual(await outcomes(), [{ outcome: 'unsupported', reason: 'no such pull request' }])
    assert.lengthOf(scene.provider.state.buildStatuses.statuses, 0)
    assert.lengthOf(await db.from('status_check_posts'), 0)
  })

  test("another organisation's pull request of the same id is left alone", async ({ assert }) => {
    // the other organisation comes first (lower ids), so an unfenced lookup would find its row
    await pullRequestOn(scene.connection)
    const ours = await createConnection(await createOrganization())
    const pullRequestId = await pullRequestOn(ours)
    const id = await storedDelivery('build.finished', buildFinished('pr-1'), ours.id)

    await new ProcessWebhookDelivery().execute(id)

    assert.equal((await outcomes())[0].outcome, 'posted')
    const posts = await db.from('status_check_posts')
    assert.lengthOf(posts, 1)
    assert.equal(posts[0].pull_request_id, pullRequestId)
    assert.lengthOf(scene.provider.state.buildStatuses.statuses, 1)
  })

  test('a delivery without a connection cannot post: "the delivery has no connection"', async ({
    assert,
  }) => {
    await pullRequestOn(scene.connection)
    const id = await storedDelivery('build.finished', buildFinished('pr-1'), null)

    assert.equal(await new ProcessWebhookDelivery().execute(id), 'processed')

    assert.deepEqual(await outcomes(), [
      { outcome: 'unsupported', reason: 'the delivery has no connection' },
    ])
    assert.lengthOf(scene.provider.state.buildStatuses.statuses, 0)
  })

  test('an installation connection has no pull requests to post on', async ({ assert }) => {
    await pullRequestOn(scene.connection)
    const installation = await upsertConnection({
      organizationId: null,
      pluginId: 'fixture',
      accountKey: 'operator',
      createdById: null,
      config: { workspace: 'operator' },
      credentials: { token: 'good-token' },
      baseUrl: null,
      status: 'active',
    })
    const id = await storedDelivery('build.finished', buildFinished('pr-1'), installation.id)

    assert.equal(await new ProcessWebhookDelivery().execute(id), 'processed')

    assert.deepEqual(await outcomes(), [
      { outcome: 'unsupported', reason: 'an installation connection has no pull requests' },
    ])
    assert.lengthOf(scene.provider.state.buildStatuses.statuses, 0)
  })
})

test.group('Webhook processing | pull requests a handler writes are checked', (group) => {
  const scene = providerOrganizationAndConnection(group)

  function pullRequestOpened(head: string | undefined) {
    return {
      pull: {
        id: 'pr-7',
        number: 7,
        title: 'A change',
        author: 'ada',
        opened: new Date().toISOString(),
        head,
        repository: { id: 'r0', name: 'repo-00', url: 'https://fixture.example/acme/repo-00' },
      },
    }
  }

  test("a pull request the handler opened is checked once against the organisation's policy", async ({
    assert,
  }) => {
    await saveAiCodePolicy(scene.organization.id, { enabled: true, maxChangedLines: 1000 })
    const id = await storedDelivery(
      'pull_request.opened',
      pullRequestOpened(HEAD),
      scene.connection.id
    )

    assert.equal(await new ProcessWebhookDelivery().execute(id), 'processed')
    assert.equal(await new ProcessWebhookDelivery().execute(id), 'skipped')

    const statuses = scene.provider.state.buildStatuses.statuses
    assert.lengthOf(statuses, 1)
    assert.equal(statuses[0].key, 'sextant/ai-policy')
    assert.equal(statuses[0].commit, HEAD)
    assert.deepEqual(statuses[0].history, ['INPROGRESS', 'SUCCESSFUL'])
    const pull = await db
      .from('pull_requests')
      .where('organization_id', scene.organization.id)
      .where('external_id', 'pr-7')
      .firstOrFail()
    const posts = await db.from('status_check_posts')
    assert.lengthOf(posts, 1)
    assert.equal(posts[0].pull_request_id, pull.id)
    assert.equal(posts[0].state, 'success')
  })

  test('with the policy off, a written pull request is not checked', async ({ assert }) => {
    await saveAiCodePolicy(scene.organization.id, { enabled: false, maxChangedLines: 1000 })
    const id = await storedDelivery(
      'pull_request.opened',
      pullRequestOpened(HEAD),
      scene.connection.id
    )

    assert.equal(await new ProcessWebhookDelivery().execute(id), 'processed')

    assert.lengthOf(scene.provider.state.buildStatuses.statuses, 0)
    assert.lengthOf(await db.from('pull_requests'), 1)
  })
})
