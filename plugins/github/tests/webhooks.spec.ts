import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { saveAiCodePolicy } from '#tests/helpers/ai_code_policy'
import type { FakeGitHub } from './fake_github/server.js'
import {
  connectInstallation,
  deliver,
  deliveryStatus,
  processQueueUntil,
  startGitHub,
} from './testbed.js'
import { installationEvent, installationRepositoriesEvent, pullRequestEvent } from './payloads.js'

const INSTALLATION = 7001

test.group('GitHub webhooks', (group) => {
  let github: FakeGitHub
  group.setup(async () => {
    github = await startGitHub()
    return () => github.stop()
  })
  group.each.setup(resetDatabase())

  /** an installation in an organisation whose AI code policy is `policy` */
  async function installedOrganization(
    policy: Parameters<typeof saveAiCodePolicy>[1] = { enabled: true }
  ) {
    const organization = await createOrganization()
    await saveAiCodePolicy(organization.id, policy)
    if (!github.state.installations.has(INSTALLATION)) {
      github.addInstallation({ id: INSTALLATION, account: { login: 'acme', type: 'Organization' } })
      const repository = github.addRepository(INSTALLATION, { name: 'rockets' })
      github.addCommit(repository.fullName, { message: 'Start the engine' })
    }
    const connection = await connectInstallation(organization, INSTALLATION)
    return { organization, connection, repository: 'acme/rockets' }
  }

  test('a signed pull_request.opened posts a Sextant check on the head commit, then completes it', async ({
    assert,
  }) => {
    const { repository } = await installedOrganization({ enabled: true, maxAiSharePercent: 100 })
    const pull = github.addPullRequest(repository)
    const before = github.checkRuns.length
    const id = randomUUID()
    const response = await deliver(
      'pull_request',
      pullRequestEvent(github, {
        action: 'opened',
        repository,
        number: pull.number,
        installationId: INSTALLATION,
      }),
      { id }
    )
    assert.equal(response.status, 202)
    await processQueueUntil(async () => (await deliveryStatus(id)) === 'processed')

    const check = github.checkRuns.slice(before).find((run) => run.head_sha === pull.headSha)
    assert.exists(check)
    assert.equal(check!.name, 'Sextant')
    assert.deepEqual(
      check!.history.map((entry) => entry.status),
      ['in_progress', 'completed']
    )
    assert.equal(check!.conclusion, 'success')
    assert.include(check!.output?.summary ?? '', 'Changed files')
    assert.include(check!.output?.summary ?? '', 'AI-assisted commits')
    const stored = await db.from('pull_requests').where('number', pull.number).firstOrFail()
    assert.equal(stored.head_sha, pull.headSha)
  })

  test('pull_request.ready_for_review stores when the draft became ready; later deliveries keep it', async ({
    assert,
  }) => {
    const { repository } = await installedOrganization({ enabled: false })
    const pull = github.addPullRequest(repository, {
      // the fake holds epoch seconds
      createdAt: Date.parse('2026-03-02T08:00:00Z') / 1000,
      updatedAt: Date.parse('2026-03-03T08:00:00Z') / 1000,
    })
    const event = (action: string) =>
      pullRequestEvent(github, {
        action,
        repository,
        number: pull.number,
        installationId: INSTALLATION,
      })
    const ready = randomUUID()
    const accepted = await deliver('pull_request', event('ready_for_review'), { id: ready })
    assert.equal(accepted.status, 202)
    await processQueueUntil(async () => (await deliveryStatus(ready)) === 'processed')
    const stored = await db.from('pull_requests').where('number', pull.number).firstOrFail()
    const moment = (value: unknown) =>
      value instanceof Date
        ? value.toISOString()
        : new Date(`${String(value).replace(' ', 'T')}Z`).toISOString()
    assert.equal(moment(stored.ready_for_review_at), '2026-03-03T08:00:00.000Z')

    // an edit later on says nothing about readiness: the moment stays
    pull.updatedAt = Date.parse('2026-03-04T08:00:00Z') / 1000
    const edited = randomUUID()
    await deliver('pull_request', event('edited'), { id: edited })
    await processQueueUntil(async () => (await deliveryStatus(edited)) === 'processed')
    const after = await db.from('pull_requests').where('number', pull.number).firstOrFail()
    assert.equal(moment(after.ready_for_review_at), '2026-03-03T08:00:00.000Z')
  })

  test('a policy the pull request breaks concludes the check with failure and says why', async ({
    assert,
  }) => {
    const { repository } = await installedOrganization({ enabled: true, maxChangedLines: 1 })
    const pull = github.addPullRequest(repository, { additions: 40, deletions: 2 })
    const id = randomUUID()
    await deliver(
      'pull_request',
      pullRequestEvent(github, {
        action: 'synchronize',
        repository,
        number: pull.number,
        installationId: INSTALLATION,
      }),
      { id }
    )
    await processQueueUntil(async () => (await deliveryStatus(id)) === 'processed')
    const check = github.checkRuns.find((run) => run.head_sha === pull.headSha)!
    assert.equal(check.conclusion, 'failure')
    assert.include(check.output?.summary ?? '', 'the policy allows at most 1')
  })

  test('a bad signature is refused with 401 and posts no check', async ({ assert }) => {
    const { repository } = await installedOrganization()
    const pull = github.addPullRequest(repository)
    const before = github.checkRuns.length
    const response = await deliver(
      'pull_request',
      pullRequestEvent(github, {
        action: 'opened',
        repository,
        number: pull.number,
        installationId: INSTALLATION,
      }),
      { secret: 'not-the-secret' }
    )
    assert.equal(response.status, 401)
    const [{ total }] = await db.from('webhook_deliveries').count('* as total')
    assert.equal(Number(total), 0)
    assert.equal(github.checkRuns.length, before)
  })

  test('with the status check off, a pull request is stored and no check is posted', async ({
    assert,
  }) => {
    const { repository } = await installedOrganization({ enabled: false })
    const pull = github.addPullRequest(repository)
    const before = github.checkRuns.length
    const id = randomUUID()
    await deliver(
      'pull_request',
      pullRequestEvent(github, {
        action: 'opened',
        repository,
        number: pull.number,
        installationId: INSTALLATION,
      }),
      { id }
    )
    await processQueueUntil(async () => (await deliveryStatus(id)) === 'processed')
    assert.equal(github.checkRuns.length, before)
    assert.exists(await db.from('pull_requests').where('number', pull.number).first())
  })

  test('a check GitHub refuses to take is retried, and the failure is visible until it succeeds', async ({
    assert,
  }) => {
    const { repository, connection } = await installedOrganization()
    const pull = github.addPullRequest(repository)
    // every post fails (each after the HTTP client's own retries) until GitHub recovers
    github.faults.checkRunFailures = 1_000
    const id = randomUUID()
    await deliver(
      'pull_request',
      pullRequestEvent(github, {
        action: 'opened',
        repository,
        number: pull.number,
        installationId: INSTALLATION,
      }),
      { id }
    )
    // the core records the failure and retries it; the delivery itself is done
    await processQueueUntil(async () => {
      const row = await db.from('status_check_posts').where('head_sha', pull.headSha).first()
      return row?.status === 'failed' && (await deliveryStatus(id)) === 'processed'
    })
    const failed = await db.from('status_check_posts').where('head_sha', pull.headSha).firstOrFail()
    assert.match(failed.last_error, /502/)
    assert.equal(failed.connection_id, connection.id)
    github.faults.checkRunFailures = 0
    await processQueueUntil(async () => {
      const row = await db.from('status_check_posts').where('head_sha', pull.headSha).first()
      return row?.status === 'posted'
    })
    const completed = await db
      .from('status_check_posts')
      .where('head_sha', pull.headSha)
      .firstOrFail()
    assert.equal(completed.state, 'success')
    assert.isNull(completed.last_error)
    assert.isAbove(completed.attempts, 1)
    assert.lengthOf(
      github.checkRuns.filter((run) => run.head_sha === pull.headSha),
      1
    )
  }).timeout(90_000)

  test('the same delivery sent twice is handled once', async ({ assert }) => {
    const { repository } = await installedOrganization()
    const pull = github.addPullRequest(repository)
    const payload = pullRequestEvent(github, {
      action: 'opened',
      repository,
      number: pull.number,
      installationId: INSTALLATION,
    })
    const id = randomUUID()
    const first = await deliver('pull_request', payload, { id })
    const second = await deliver('pull_request', payload, { id })
    assert.equal(first.status, 202)
    assert.equal(second.status, 202)
    assert.equal(((await second.json()) as { status: string }).status, 'duplicate')
    await processQueueUntil(async () => (await deliveryStatus(id)) === 'processed')
    assert.lengthOf(
      github.checkRuns.filter((run) => run.head_sha === pull.headSha),
      1
    )
  })

  test('installation.deleted removes the connection, and its data stops syncing', async ({
    assert,
  }) => {
    const { connection } = await installedOrganization()
    const id = randomUUID()
    await deliver('installation', installationEvent(github, 'deleted', INSTALLATION), { id })
    await processQueueUntil(async () => (await deliveryStatus(id)) === 'processed')
    assert.isNull(await Connection.find(connection.id))
    const { default: SyncPluginConnections } = await import('#actions/sync/sync_plugin_connections')
    const reports = await new SyncPluginConnections().execute({
      pluginId: 'github',
      trigger: 'cli',
    })
    assert.lengthOf(reports, 0)
  })

  test('installation.suspend makes the connection inactive; unsuspend makes it active with a fresh token', async ({
    assert,
  }) => {
    const { connection } = await installedOrganization()
    const suspend = randomUUID()
    await deliver('installation', installationEvent(github, 'suspend', INSTALLATION), {
      id: suspend,
    })
    await processQueueUntil(async () => (await deliveryStatus(suspend)) === 'processed')
    await connection.refresh()
    assert.equal(connection.status, 'inactive')

    const minted = github.tokensIssued
    const unsuspend = randomUUID()
    await deliver('installation', installationEvent(github, 'unsuspend', INSTALLATION), {
      id: unsuspend,
    })
    await processQueueUntil(async () => (await deliveryStatus(unsuspend)) === 'processed')
    await connection.refresh()
    assert.equal(connection.status, 'active')
    assert.equal(github.tokensIssued, minted + 1)
    assert.match(connection.openCredentials().accessToken, /^ghs_/)
  })

  test('installation_repositories added and removed update the repository list', async ({
    assert,
  }) => {
    await installedOrganization()
    const extra = github.addRepository(INSTALLATION, { name: `boosters-${Date.now()}` })
    const added = randomUUID()
    await deliver(
      'installation_repositories',
      installationRepositoriesEvent(github, 'added', INSTALLATION, [extra.fullName]),
      { id: added }
    )
    await processQueueUntil(async () => (await deliveryStatus(added)) === 'processed')
    const stored = await db
      .from('repositories')
      .where('external_id', String(extra.id))
      .firstOrFail()
    assert.equal(stored.default_branch, extra.defaultBranch)
    assert.isTrue(Boolean(stored.monitored))

    const removed = randomUUID()
    await deliver(
      'installation_repositories',
      installationRepositoriesEvent(github, 'removed', INSTALLATION, [extra.fullName]),
      { id: removed }
    )
    await processQueueUntil(async () => (await deliveryStatus(removed)) === 'processed')
    const detached = await db
      .from('repositories')
      .where('external_id', String(extra.id))
      .firstOrFail()
    assert.isNull(detached.connection_id)
    assert.isFalse(Boolean(detached.monitored))
  })

  test('ping is answered, and the old /api/webhook-github/ path receives deliveries too', async ({
    assert,
  }) => {
    const ping = await deliver(
      'ping',
      { zen: 'Keep it logically awesome.', hook_id: 1 },
      { path: '/api/webhook-github/' }
    )
    assert.equal(ping.status, 202)
  })
})
