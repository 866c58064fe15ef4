import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import { resetDatabase } from '#tests/helpers/database'
import { processQueueUntil } from '#tests/helpers/queue'
import type { FakeAzure, FakeRepository } from './fake_azure/server.js'
import { addedFile, connectForm, PAT, signedInAdmin, startAzure } from './testbed.js'
import { SUBSCRIBED_EVENTS } from '../service_hooks.js'

const BASE = `http://${process.env.HOST}:${process.env.PORT}`

function untilHook(connectionId: number | null, hook: 'connected' | 'disconnecting') {
  return processQueueUntil(async () => {
    const query = db.from('plugin_hook_runs').where('hook', hook).orderBy('id', 'desc')
    if (connectionId !== null) query.where('connection_id', connectionId)
    const run = await query.first()
    return run?.status === 'succeeded'
  })
}

/** a service hook event as Azure DevOps posts it */
function pullRequestEvent(
  azure: FakeAzure,
  repository: FakeRepository,
  pullRequestId: number,
  eventType = 'git.pullrequest.created'
) {
  const project = azure.state.projects.find((entry) => entry.id === repository.projectId)!
  return {
    subscriptionId: randomUUID(),
    notificationId: 1,
    id: randomUUID(),
    eventType,
    publisherId: 'tfs',
    message: { text: 'Ada Lovelace created a new pull request' },
    resource: {
      repository: {
        id: repository.id,
        name: repository.name,
        project: { id: project.id, name: project.name },
        defaultBranch: repository.defaultBranch,
        remoteUrl: `https://dev.azure.com/acme/${project.name}/_git/${repository.name}`,
        webUrl: `https://dev.azure.com/acme/${project.name}/_git/${repository.name}`,
      },
      pullRequestId,
      status: 'active',
      createdBy: {
        id: azure.state.user.id,
        displayName: 'Ada Lovelace',
        uniqueName: 'ada@example.com',
      },
      creationDate: '2026-11-30T09:00:00.000Z',
      title: 'Throttle the engine',
      sourceRefName: 'refs/heads/throttle',
      targetRefName: 'refs/heads/main',
      lastMergeSourceCommit: { commitId: 'c'.repeat(40) },
      reviewers: [],
    },
    resourceVersion: '1.0',
    resourceContainers: { project: { id: project.id } },
    createdDate: '2026-11-30T09:00:01.000Z',
  }
}

function deliver(
  url: string,
  body: unknown,
  credentials: { user: string; password: string } | null
) {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' }
  if (credentials)
    headers.authorization = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`
  return fetch(`${BASE}${new URL(url).pathname}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  })
}

async function statusOf(
  url: string,
  body: unknown,
  credentials: { user: string; password: string } | null
) {
  const response = await deliver(url, body, credentials)
  return response.status
}

test.group('Azure DevOps | service hooks', (group) => {
  let azure: FakeAzure
  group.setup(async () => {
    azure = await startAzure()
    return () => azure.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => azure.reset())

  async function connected(fields: Record<string, string> = {}) {
    const [repository] = azure.seed(1, 1)
    azure.addRepository(azure.addProject('Ground'), 'radar')
    const { web } = await signedInAdmin()
    await connectForm(web, azure.url, PAT, fields)
    const connection = await Connection.query().where('plugin_id', 'azure_devops').firstOrFail()
    await untilHook(connection.id, 'connected')
    const subscriptions = [...azure.state.subscriptions.values()]
    const {
      basicAuthUsername: user,
      basicAuthPassword: password,
      url,
    } = subscriptions[0].consumerInputs
    return { web, connection, repository, subscriptions, url, credentials: { user, password } }
  }

  test("connecting subscribes each project to every event, at the connection's own URL with its own credentials", async ({
    assert,
  }) => {
    const { connection, subscriptions, url, credentials } = await connected()
    assert.lengthOf(subscriptions, 2 * SUBSCRIBED_EVENTS.length)
    assert.sameMembers(
      [...new Set(subscriptions.map((subscription) => subscription.eventType))],
      SUBSCRIBED_EVENTS.map(([, eventType]) => eventType)
    )
    assert.equal(
      subscriptions.find(
        (entry) => entry.eventType === 'ms.vss-release.deployment-completed-event'
      )!.publisherId,
      'rm'
    )
    assert.match(
      url,
      new RegExp(`/api/webhooks/azure_devops/c/${connection.publicId}/[A-Za-z0-9_-]{40,}$`)
    )
    assert.isTrue(
      subscriptions.every(
        (entry) =>
          entry.consumerInputs.url === url &&
          entry.consumerInputs.basicAuthPassword === credentials.password
      )
    )
    assert.isAtLeast(credentials.password.length, 40)
    // the password is sealed with the connection's credentials, never stored in the clear
    const row = await db.from('connections').where('id', connection.id).first()
    assert.notInclude(JSON.stringify(row), credentials.password)
  })

  test('a pull request event upserts the pull request once, as Azure DevOps holds it now', async ({
    assert,
  }) => {
    const { url, credentials, repository } = await connected()
    const pull = azure.addPullRequest(repository, {
      title: 'Throttle the engine',
      lastMergeSourceCommit: { commitId: 'c'.repeat(40) },
    })
    const created = pullRequestEvent(azure, repository, pull.pullRequestId)
    // completed before the creation event is processed
    pull.status = 'completed'
    pull.closedDate = '2026-11-30T12:00:00.000Z'
    const merged = pullRequestEvent(azure, repository, pull.pullRequestId, 'git.pullrequest.merged')
    assert.equal(await statusOf(url, merged, credentials), 202)
    const answer = await deliver(url, created, credentials)
    assert.equal(answer.status, 202)
    const again = await deliver(url, created, credentials)
    assert.equal(again.status, 202)
    const receipt = (await again.json()) as { status: string }
    assert.equal(receipt.status, 'duplicate')
    await processQueueUntil(async () => {
      const pending = await db.from('webhook_deliveries').whereNot('status', 'processed')
      return pending.length === 0
    })
    const row = await db.from('pull_requests').where('number', pull.pullRequestId).firstOrFail()
    assert.equal(row.title, 'Throttle the engine')
    assert.equal(row.state, 'merged')
    assert.equal(row.head_sha, 'c'.repeat(40))
    const [{ total }] = await db.from('webhook_deliveries').count('* as total')
    assert.equal(Number(total), 2)
  })

  const CURSOR_MARKER = 'Open in Cursor: https://cursor.com/background-agent?bcId=bc-7a31'

  /** a pull request on a branch of one commit that adds src/throttle.ts lines 1 to 2 */
  function pullWithOneCommit(repository: FakeRepository, description: string) {
    azure.addCommit(repository, 'Start the engine')
    const commit = azure.addCommit(repository, 'Throttle the engine', {
      offDefaultBranch: true,
      files: [addedFile('/src/throttle.ts', 2)],
    })
    const pull = azure.addPullRequest(repository, { description, commitIds: [commit.commitId] })
    return { pull, commit }
  }

  async function processed() {
    await processQueueUntil(async () => {
      const pending = await db.from('webhook_deliveries').whereNot('status', 'processed')
      return pending.length === 0
    })
  }

  test("a git.pullrequest.updated event whose description carries an agent's marker makes the pull request's commits AI, the marker their evidence", async ({
    assert,
  }) => {
    const { url, credentials, repository } = await connected()
    const { pull, commit } = pullWithOneCommit(repository, `Throttles it.\n\n${CURSOR_MARKER}`)
    const event = pullRequestEvent(azure, repository, pull.pullRequestId, 'git.pullrequest.updated')
    Object.assign(event.resource, { description: pull.description })
    assert.equal(await statusOf(url, event, credentials), 202)
    await processed()

    const row = await db.from('pull_requests').where('number', pull.pullRequestId).firstOrFail()
    assert.equal(row.ai_marker, CURSOR_MARKER)
    const facts = await db.from('ai_code_facts').where('commit_sha', commit.commitId)
    assert.deepEqual(
      facts.map((fact) => [fact.path, fact.start_line, fact.end_line, fact.origin, fact.agent]),
      [['src/throttle.ts', 1, 2, 'ai', 'cursor']]
    )
    assert.equal(facts[0].evidence, `pull request #${pull.pullRequestId}: ${CURSOR_MARKER}`)
  })

  test('a git.pullrequest.updated event without a marker in the description writes no signal fact', async ({
    assert,
  }) => {
    const { url, credentials, repository } = await connected()
    const { pull, commit } = pullWithOneCommit(repository, 'Throttles it. Tested on the bench.')
    const event = pullRequestEvent(azure, repository, pull.pullRequestId, 'git.pullrequest.updated')
    Object.assign(event.resource, { description: pull.description })
    assert.equal(await statusOf(url, event, credentials), 202)
    await processed()

    const row = await db.from('pull_requests').where('number', pull.pullRequestId).firstOrFail()
    assert.isNull(row.ai_marker)
    assert.lengthOf(await db.from('ai_code_facts').where('commit_sha', commit.commitId), 0)
    assert.isFalse(
      azure.requests.some((request) => /\/pullrequests\/\d+\/commits/i.test(request.path)),
      "an unmarked pull request's commits are not read"
    )
  })

  test('a hook with wrong or missing credentials gets 401 and nothing is stored', async ({
    assert,
  }) => {
    const { url, credentials, repository } = await connected()
    const event = pullRequestEvent(azure, repository, 78)
    const wrongPassword = { user: credentials.user, password: `${credentials.password}x` }
    assert.equal(await statusOf(url, event, wrongPassword), 401)
    const wrongUser = { user: 'someone', password: credentials.password }
    assert.equal(await statusOf(url, event, wrongUser), 401)
    assert.equal(await statusOf(url, event, null), 401)
    // a URL whose token is not the connection's is not even looked at
    assert.equal(await statusOf(`${url.slice(0, -4)}AAAA`, event, credentials), 404)
    // the legacy address takes nothing without a connection's own URL
    assert.equal(await statusOf(`${BASE}/api/webhook-azure-devops/`, event, credentials), 401)
    const [{ total }] = await db.from('webhook_deliveries').count('* as total')
    assert.equal(Number(total), 0)
  })

  test("a hook made by hand to the old address, with the connection's id and typed password, is accepted and processed", async ({
    assert,
  }) => {
    const hookPassword = 'typed-by-the-admin-0123456789'
    const { connection, repository, credentials } = await connected({ hookPassword })
    // Sextant's own subscriptions use the same password
    assert.equal(credentials.password, hookPassword)
    const pull = azure.addPullRequest(repository, { title: 'Made by hand' })
    const event = pullRequestEvent(azure, repository, pull.pullRequestId)
    const legacy = `${BASE}/api/webhook-azure-devops/`
    const answer = await deliver(legacy, event, {
      user: connection.publicId,
      password: hookPassword,
    })
    assert.equal(answer.status, 202)
    await processQueueUntil(async () => {
      const pending = await db.from('webhook_deliveries').whereNot('status', 'processed')
      return pending.length === 0
    })
    const delivery = await db.from('webhook_deliveries').firstOrFail()
    assert.equal(delivery.connection_id, connection.id)
    const row = await db.from('pull_requests').where('number', pull.pullRequestId).firstOrFail()
    assert.equal(row.title, 'Made by hand')
  })

  test('the old address refuses a wrong password, an unknown connection and the automatic user name', async ({
    assert,
  }) => {
    const hookPassword = 'typed-by-the-admin-0123456789'
    const { connection, repository } = await connected({ hookPassword })
    const event = pullRequestEvent(azure, repository, 7)
    const legacy = `${BASE}/api/webhook-azure-devops/`
    const wrong = { user: connection.publicId, password: `${hookPassword}x` }
    assert.equal(await statusOf(legacy, event, wrong), 401)
    const unknown = { user: 'Zz9Zz9Zz', password: hookPassword }
    assert.equal(await statusOf(legacy, event, unknown), 401)
    assert.equal(await statusOf(legacy, event, { user: 'sextant', password: hookPassword }), 401)
    assert.equal(await statusOf(legacy, event, null), 401)
    const [{ total }] = await db.from('webhook_deliveries').count('* as total')
    assert.equal(Number(total), 0)
  })

  test('a pull request comment event records the first review, read from the threads', async ({
    assert,
  }) => {
    const { url, credentials, repository } = await connected()
    const pull = azure.addPullRequest(repository, { title: 'Reviewed' })
    const reviewer = {
      id: 'grace-id',
      displayName: 'Grace Hopper',
      uniqueName: 'grace@example.com',
    }
    azure.addComment(pull, reviewer, '2026-11-30T10:15:00.000Z')
    const base = pullRequestEvent(azure, repository, pull.pullRequestId)
    const event = {
      ...base,
      eventType: 'ms.vss-code.git-pullrequest-comment-event',
      resource: {
        comment: { id: 1, author: reviewer, content: 'Why this limit?', commentType: 'text' },
        pullRequest: base.resource,
      },
    }
    assert.equal(await statusOf(url, event, credentials), 202)
    await processQueueUntil(async () => {
      const pending = await db.from('webhook_deliveries').whereNot('status', 'processed')
      return pending.length === 0
    })
    const row = await db.from('pull_requests').where('number', pull.pullRequestId).firstOrFail()
    assert.equal(new Date(row.first_review_at).toISOString(), '2026-11-30T10:15:00.000Z')
  })

  test('a build completed event becomes a deployment of kind build', async ({ assert }) => {
    const { url, credentials, repository } = await connected()
    const build = azure.addBuild(repository, { result: 'failed' })
    const answer = await deliver(
      url,
      { id: randomUUID(), eventType: 'build.complete', publisherId: 'tfs', resource: build },
      credentials
    )
    assert.equal(answer.status, 202)
    await processQueueUntil(
      async () =>
        (await db.from('deployments').where('external_id', `build:${build.id}`).first()) !== null
    )
    const row = await db.from('deployments').where('external_id', `build:${build.id}`).firstOrFail()
    assert.equal(row.status, 'failure')
    assert.isNotNull(row.repository_id)
  })

  test('work item events bring the item as Azure DevOps holds it now, whatever their order', async ({
    assert,
  }) => {
    const { url, credentials, repository } = await connected()
    const project = azure.state.projects.find((entry) => entry.id === repository.projectId)!
    const item = azure.addWorkItem(project, 'Bug')
    const created = { ...item, fields: { ...item.fields } }
    // closed at Azure DevOps after it was created
    item.fields['System.State'] = 'Closed'
    item.fields['System.ChangedDate'] = new Date().toISOString()
    const updated = {
      id: randomUUID(),
      eventType: 'workitem.updated',
      publisherId: 'tfs',
      resource: { id: 5, workItemId: item.id, rev: 2, revision: { ...item, rev: 2 } },
    }
    // the update is delivered before the creation
    assert.equal(await statusOf(url, updated, credentials), 202)
    const creation = {
      id: randomUUID(),
      eventType: 'workitem.created',
      publisherId: 'tfs',
      resource: created,
    }
    assert.equal(await statusOf(url, creation, credentials), 202)
    await processQueueUntil(async () => {
      const deliveries = await db.from('webhook_deliveries').whereNot('status', 'processed')
      const runs = await db
        .from('sync_runs')
        .where('task', 'work_items')
        .whereIn('status', ['running', 'queued'])
      const row = await db.from('issues').where('external_id', String(item.id)).first()
      return deliveries.length === 0 && runs.length === 0 && row?.status_category === 'done'
    })
    const row = await db.from('issues').where('external_id', String(item.id)).firstOrFail()
    assert.equal(row.type, 'bug')
    assert.equal(row.status, 'Closed')
  })

  test('disconnecting deletes the subscriptions at Azure DevOps, then the connection', async ({
    assert,
  }) => {
    const { web, connection } = await connected()
    assert.isAbove(azure.state.subscriptions.size, 0)
    const answer = await web.post(`/settings/connections/${connection.publicId}/disconnect`)
    assert.equal(answer.status, 302)
    await untilHook(null, 'disconnecting')
    assert.equal(azure.state.subscriptions.size, 0)
    assert.equal(
      azure.count(/^\/_apis\/hooks\/subscriptions\/[^/]+$/, 'DELETE'),
      2 * SUBSCRIBED_EVENTS.length
    )
    assert.isNull(await Connection.find(connection.id))
  })
})
