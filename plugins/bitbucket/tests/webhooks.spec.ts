import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#plugin-sdk/testing'
import { processQueueUntil } from '#tests/helpers/queue'
import { pullRequestJson, repositoryJson } from './fake_bitbucket/api.js'
import { seedWorkspace } from './fake_bitbucket/seed.js'
import { startFakeBitbucket, type FakeBitbucket } from './fake_bitbucket/server.js'
import { BASE, PAGE, connectWith, signedInAdmin } from './testbed.js'

/**
 * Webhooks registered for the user on connect, signed deliveries in,
 * deleted on disconnect: through the pages and the queue, against fake
 * Bitbucket, which records registrations and signs deliveries as
 * Bitbucket does (X-Hub-Signature, X-Event-Key, X-Request-UUID).
 */
test.group('Bitbucket | webhooks', (group) => {
  let bitbucket: FakeBitbucket
  group.setup(async () => {
    bitbucket = await startFakeBitbucket()
    return () => bitbucket.stop()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    bitbucket.state.workspaces = []
    bitbucket.state.repositories.clear()
    bitbucket.state.hooks.clear()
    bitbucket.state.workspaceHooksForbidden = false
    seedWorkspace(bitbucket.state, 'acme', 2, 3)
  })

  function hookRun(connection: Connection, hook: string, status: string) {
    return processQueueUntil(async () => {
      const run = await db
        .from('plugin_hook_runs')
        .where({ connection_id: connection.id, hook })
        .orderBy('id', 'desc')
        .first()
      return run?.status === status
    })
  }

  async function connected() {
    const { web } = await signedInAdmin()
    await connectWith(web, 'api-token', {
      workspace: 'acme',
      email: 'jdoe@example.com',
      apiToken: 'atlassian-api-token',
    })
    const connection = await Connection.findByOrFail('plugin_id', 'bitbucket')
    await hookRun(connection, 'connected', 'succeeded')
    // the first sync, queued on connect, has written the workspace's 2 × 3 pull requests
    await processQueueUntil(async () => {
      const [{ total }] = await db.from('pull_requests').count('* as total')
      const running = await db.from('sync_runs').where('status', 'running').first()
      return Number(total) === 6 && !running
    })
    await connection.refresh()
    return { web, connection }
  }

  function createdPayload(id = 2) {
    const repository = bitbucket.state.repositories.get('acme/repo-00')!
    const pull = repository.pullRequests.find((p) => p.id === id)!
    return {
      actor: pull.author,
      repository: repositoryJson(repository),
      pullrequest: pullRequestJson(repository, pull),
    }
  }

  /** every delivery received has been processed */
  function delivered() {
    return processQueueUntil(async () => {
      const pending = await db.from('webhook_deliveries').whereNot('status', 'processed').first()
      const any = await db.from('webhook_deliveries').first()
      return Boolean(any) && !pending
    })
  }

  const onlyHook = () => [...bitbucket.state.hooks.values()][0]

  test('connecting registers a signed workspace webhook pointing at Sextant', async ({
    assert,
  }) => {
    const { connection } = await connected()
    assert.equal(bitbucket.state.hooks.size, 1)
    const hook = onlyHook()
    assert.equal(hook.subject, '/2.0/workspaces/acme')
    assert.equal(hook.url, `${BASE}/api/webhooks/bitbucket`)
    assert.include(hook.events, 'pullrequest:created')
    assert.include(hook.events, 'repo:push')
    // the secret is the connection's, sealed with its credentials and never in its config
    assert.lengthOf(hook.secret, 64)
    assert.equal(connection.openCredentials().webhookSecret, hook.secret)
    assert.notInclude(JSON.stringify(connection.configValues), hook.secret)
    assert.deepEqual(connection.configValues.webhooks, [{ subject: hook.subject, uuid: hook.uuid }])
  })

  test('reconnecting replaces the webhook instead of adding a second one', async ({ assert }) => {
    const { web, connection } = await connected()
    const first = onlyHook()
    await connectWith(web, 'api-token', {
      workspace: 'acme',
      email: 'jdoe@example.com',
      apiToken: 'atlassian-api-token',
    })
    await processQueueUntil(async () => {
      const runs = await db
        .from('plugin_hook_runs')
        .where({ connection_id: connection.id, hook: 'connected', status: 'succeeded' })
      return runs.length === 2
    })
    assert.equal(bitbucket.state.hooks.size, 1)
    const second = onlyHook()
    assert.notEqual(second.uuid, first.uuid)
    await connection.refresh()
    assert.equal(connection.openCredentials().webhookSecret, second.secret)
  })

  test('without workspace admin rights each repository gets its webhook', async ({ assert }) => {
    bitbucket.state.workspaceHooksForbidden = true
    await connected()
    assert.deepEqual([...bitbucket.state.hooks.values()].map((hook) => hook.subject).sort(), [
      '/2.0/repositories/acme/repo-00',
      '/2.0/repositories/acme/repo-01',
    ])
  })

  test('BITBUCKET_WEBHOOK_PROXY_URL is the URL registered when set', async ({
    assert,
    cleanup,
  }) => {
    cleanup(
      withEnv({ BITBUCKET_WEBHOOK_PROXY_URL: 'https://hooks.example.com/api/webhook-bitbucket' })
    )
    await connected()
    assert.equal(onlyHook().url, 'https://hooks.example.com/api/webhook-bitbucket')
  })

  test('a signed pullrequest:created delivery upserts the pull request', async ({ assert }) => {
    await connected()
    const payload = createdPayload()
    payload.pullrequest.title = 'Opened a moment ago'
    const response = await bitbucket.deliver(onlyHook().uuid, 'pullrequest:created', payload)
    assert.equal(response.status, 202)
    const changed = () => db.from('pull_requests').where('title', 'Opened a moment ago').first()
    await processQueueUntil(async () => Boolean(await changed()))
    const row = await changed()
    assert.equal(row.number, 2)
    assert.equal(row.author_login, 'alice')
    // its diffstat was read through the connection
    assert.equal(row.additions, 17)
    const repository = await db
      .from('repositories')
      .where('full_name', 'acme/repo-00')
      .firstOrFail()
    assert.equal(repository.canonical_key, 'bitbucket.org/acme/repo-00')
  })

  const DEVIN_MARKER = 'Devin run: https://app.devin.ai/sessions/4f2a9c'

  test("a pullrequest:updated delivery whose description carries an agent's marker makes the pull request's commits AI, the marker their evidence", async ({
    assert,
  }) => {
    await connected()
    const payload = createdPayload()
    const head = bitbucket.state.repositories.get('acme/repo-00')!.pullRequests[1].commits![0]
    // the delivery's own description: the marker is on no pull request the sync read
    payload.pullrequest.description = `Tidies the parser.\n\n${DEVIN_MARKER}`
    payload.pullrequest.summary = {
      ...payload.pullrequest.summary,
      raw: payload.pullrequest.description,
    }
    const response = await bitbucket.deliver(onlyHook().uuid, 'pullrequest:updated', payload)
    assert.equal(response.status, 202)
    await delivered()

    const [fact] = await db.from('ai_code_facts').where('commit_sha', head.hash)
    assert.exists(fact, "the pull request's commit has a signal fact")
    // the fake's diff of a commit without one of its own: a line added to README.md
    assert.deepEqual(
      [fact.path, fact.start_line, fact.end_line, fact.origin, fact.agent],
      ['README.md', 2, 2, 'ai', 'devin']
    )
    assert.equal(fact.evidence, `pull request #2: ${DEVIN_MARKER}`)
    const row = await db
      .from('pull_requests')
      .where('number', 2)
      .whereNotNull('ai_marker')
      .firstOrFail()
    assert.equal(row.ai_marker, DEVIN_MARKER)
  })

  test('a pullrequest:updated delivery without a marker in its description writes no signal fact', async ({
    assert,
  }) => {
    await connected()
    const payload = createdPayload()
    payload.pullrequest.title = 'Described plainly'
    const head = bitbucket.state.repositories.get('acme/repo-00')!.pullRequests[1].commits![0]
    const response = await bitbucket.deliver(onlyHook().uuid, 'pullrequest:updated', payload)
    assert.equal(response.status, 202)
    const changed = () => db.from('pull_requests').where('title', 'Described plainly').first()
    await processQueueUntil(async () => Boolean(await changed()))

    const row = await changed()
    assert.isNull(row.ai_marker)
    assert.lengthOf(await db.from('ai_code_facts').where('commit_sha', head.hash), 0)
  })

  test('a delivery about a repository that is not monitored changes nothing', async ({
    assert,
  }) => {
    await connected()
    await db.from('repositories').where('full_name', 'acme/repo-00').update({ monitored: false })
    const payload = createdPayload()
    payload.pullrequest.title = 'Not read'
    const response = await bitbucket.deliver(onlyHook().uuid, 'pullrequest:updated', payload)
    assert.equal(response.status, 202)
    await processQueueUntil(async () => {
      const pending = await db.from('webhook_deliveries').whereNot('status', 'processed').first()
      const any = await db.from('webhook_deliveries').first()
      return Boolean(any) && !pending
    })
    assert.isNull(await db.from('pull_requests').where('title', 'Not read').first())
  })

  test('a signed repo:push queues the commits sync, which reads the new commit', async ({
    assert,
  }) => {
    await connected()
    const repository = bitbucket.state.repositories.get('acme/repo-00')!
    const pushed = {
      hash: 'c0ffee0000000000000000000000000000000001',
      message: 'Pushed just now',
      date: new Date().toISOString(),
      author: repository.commits[0].author,
      raw: 'Alice <alice@example.com>',
    }
    repository.commits.unshift(pushed)
    const payload = {
      actor: pushed.author,
      repository: repositoryJson(repository),
      push: { changes: [] },
    }
    const response = await bitbucket.deliver(onlyHook().uuid, 'repo:push', payload)
    assert.equal(response.status, 202)
    await processQueueUntil(async () =>
      Boolean(await db.from('commits').where('sha', pushed.hash).first())
    )
    const row = await db.from('commits').where('sha', pushed.hash).firstOrFail()
    assert.equal(row.author_email, 'alice@example.com')
  })

  test('an unsigned or badly signed delivery is refused with 401 and stores nothing', async ({
    assert,
  }) => {
    await connected()
    const hook = onlyHook()
    const unsigned = await bitbucket.deliver(hook.uuid, 'pullrequest:created', createdPayload(), {
      secret: '',
    })
    assert.equal(unsigned.status, 401)
    const forged = await bitbucket.deliver(hook.uuid, 'pullrequest:created', createdPayload(), {
      secret: 'guessed',
    })
    assert.equal(forged.status, 401)
    const [{ total }] = await db.from('webhook_deliveries').count('* as total')
    assert.equal(Number(total), 0)
  })

  test('a repeated X-Request-UUID is processed once', async ({ assert }) => {
    await connected()
    const hook = onlyHook()
    const requestUuid = 'b5d4e4a6-0d7e-4f1f-9c1e-3a2f0e7d9b11'
    const first = await bitbucket.deliver(hook.uuid, 'pullrequest:created', createdPayload(), {
      requestUuid,
    })
    const again = await bitbucket.deliver(hook.uuid, 'pullrequest:created', createdPayload(), {
      requestUuid,
    })
    assert.equal(first.status, 202)
    assert.equal(again.status, 202)
    const answer = (await again.json()) as { status: string }
    assert.equal(answer.status, 'duplicate')
    const rows = await db.from('webhook_deliveries').where('delivery_id', requestUuid)
    assert.lengthOf(rows, 1)
  })

  test('the old path /api/webhook-bitbucket/ keeps receiving', async ({ assert }) => {
    await connected()
    const response = await bitbucket.deliver(
      onlyHook().uuid,
      'pullrequest:created',
      createdPayload(),
      {
        to: `${BASE}/api/webhook-bitbucket/`,
      }
    )
    assert.equal(response.status, 202)
  })

  test('disconnecting deletes the webhook at Bitbucket and keeps the synced data', async ({
    assert,
  }) => {
    const { web, connection } = await connected()
    const synced = await db.from('pull_requests').count('* as total')

    await web.post(`${PAGE}/${connection.publicId}/disconnect`)
    await processQueueUntil(async () => (await Connection.find(connection.id)) === null)
    assert.equal(bitbucket.state.hooks.size, 0)
    assert.isTrue(
      bitbucket.state.requests.some(
        (r) => r.method === 'DELETE' && r.path.startsWith('/2.0/workspaces/acme/hooks/')
      )
    )
    assert.deepEqual(await db.from('pull_requests').count('* as total'), synced)
    assert.isAbove(Number(synced[0].total), 0)
  })
})
