import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import type Connection from '#models/connection'
import type Organization from '#models/organization'
import PostStatusCheck from '#actions/status_checks/post_status_check'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { createConnection } from '#tests/helpers/connections'
import { createAccount } from '#tests/helpers/accounts'
import { processQueueUntil } from '#tests/helpers/queue'
import { WebClient } from '#tests/helpers/web_client'
import { startFakeProvider, type FakeProvider } from '#tests/helpers/fake_provider'
import type { FakeGitHub } from '#plugins/github/tests/fake_github/server'
import { connectInstallation, startGitHub } from '#plugins/github/tests/testbed'
import type { StatusCheckReport } from '#plugin-sdk/status_checks'

/**
 * Status checks, provider-neutral: one core action posts on a pull
 * request through whichever connection hosts its repository (fake GitHub
 * with check runs; the fixture provider with Bitbucket-style build
 * statuses), records the outcome per pull request and key, and retries a
 * failure from the queue.
 */
const INSTALLATION = 8101
const HEAD = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00'

function report(state: StatusCheckReport['state'], title: string): StatusCheckReport {
  return { key: 'sextant/test', name: 'Sextant test', state, title, summary: `**${title}**` }
}

/** a repository and an open pull request, written through the connection's own store */
async function pullRequestOn(
  connection: Connection,
  repository: { externalId: string; name: string; fullName: string },
  pull: { externalId: string; number: number; headSha: string }
) {
  const handle = connectionHandle(connection, pluginRegistry.require(connection.pluginId))
  await handle.store.upsertRepositories([repository])
  await handle.store.upsertPullRequests([
    {
      externalId: pull.externalId,
      repositoryExternalId: repository.externalId,
      number: pull.number,
      title: 'A change',
      state: 'open',
      headSha: pull.headSha,
      openedAt: new Date().toISOString(),
    },
  ])
  const row = await db
    .from('pull_requests')
    .where('organization_id', connection.organizationId!)
    .where('provider', connection.pluginId)
    .where('external_id', pull.externalId)
    .firstOrFail()
  return Number(row.id)
}

function post(organization: Organization, pullRequestId: number, body: StatusCheckReport) {
  return new PostStatusCheck().execute({
    organizationId: organization.id,
    pullRequestId,
    report: body,
  })
}

function postRow(pullRequestId: number) {
  return db.from('status_check_posts').where('pull_request_id', pullRequestId).firstOrFail()
}

test.group('Status checks | one action, any provider', (group) => {
  let provider: FakeProvider
  let github: FakeGitHub
  group.setup(async () => {
    provider = await startFakeProvider()
    github = await startGitHub()
    github.addInstallation({ id: INSTALLATION, account: { login: 'acme', type: 'Organization' } })
    github.addRepository(INSTALLATION, { name: 'rockets' })
    return async () => {
      await github.stop()
      await provider.close()
    }
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => provider.reset())

  async function twoProviders() {
    const organization = await createOrganization()
    const gitHubConnection = await connectInstallation(organization, INSTALLATION)
    const fixtureConnection = await createConnection(organization)
    const pull = github.addPullRequest('acme/rockets')
    const repository = github.state.repositories.get('acme/rockets')!
    const onGitHub = await pullRequestOn(
      gitHubConnection,
      { externalId: String(repository.id), name: 'rockets', fullName: 'acme/rockets' },
      { externalId: String(pull.id), number: pull.number, headSha: pull.headSha }
    )
    const onFixture = await pullRequestOn(
      fixtureConnection,
      { externalId: 'r0', name: 'repo-00', fullName: 'acme/repo-00' },
      { externalId: 'pr-1', number: 1, headSha: HEAD }
    )
    return { organization, gitHubConnection, fixtureConnection, pull, onGitHub, onFixture }
  }

  test('the same action posts to GitHub (a check run) and to the fixture provider (a build status)', async ({
    assert,
  }) => {
    const { organization, pull, onGitHub, onFixture } = await twoProviders()
    for (const pullRequestId of [onGitHub, onFixture]) {
      const outcome = await post(organization, pullRequestId, report('pending', 'Checking'))
      assert.equal(outcome.outcome, 'posted')
    }
    for (const pullRequestId of [onGitHub, onFixture]) {
      const outcome = await post(organization, pullRequestId, report('success', 'Within policy'))
      assert.equal(outcome.outcome, 'posted')
    }

    const runs = github.checkRuns.filter((run) => run.head_sha === pull.headSha)
    assert.lengthOf(runs, 1, 'the second post updated the check run, it did not add one')
    assert.equal(runs[0].name, 'Sextant test')
    assert.deepEqual(
      runs[0].history.map((entry) => entry.status),
      ['in_progress', 'completed']
    )
    assert.equal(runs[0].conclusion, 'success')
    assert.equal(runs[0].output?.title, 'Within policy')

    const statuses = provider.state.buildStatuses.statuses
    assert.lengthOf(statuses, 1)
    assert.equal(statuses[0].repository, 'repo-00')
    assert.equal(statuses[0].commit, HEAD)
    assert.equal(statuses[0].key, 'sextant/test')
    assert.deepEqual(statuses[0].history, ['INPROGRESS', 'SUCCESSFUL'])

    const gitHubRow = await postRow(onGitHub)
    assert.equal(gitHubRow.status, 'posted')
    assert.equal(gitHubRow.state, 'success')
    assert.equal(gitHubRow.external_id, String(runs[0].id))
    assert.equal(Number(gitHubRow.attempts), 2)
    const fixtureRow = await postRow(onFixture)
    assert.equal(fixtureRow.external_id, statuses[0].uuid)
  })

  test('a new head commit gets a new status; the old one is left as it was', async ({ assert }) => {
    const { organization, gitHubConnection, pull, onGitHub } = await twoProviders()
    await post(organization, onGitHub, report('failure', 'Policy not met'))
    const newHead = 'feed0000feed0000feed0000feed0000feed0000'
    const repository = github.state.repositories.get('acme/rockets')!
    await pullRequestOn(
      gitHubConnection,
      { externalId: String(repository.id), name: 'rockets', fullName: 'acme/rockets' },
      { externalId: String(pull.id), number: pull.number, headSha: newHead }
    )
    await post(organization, onGitHub, report('success', 'Within policy'))
    const old = github.checkRuns.find((run) => run.head_sha === pull.headSha)!
    const fresh = github.checkRuns.find((run) => run.head_sha === newHead)!
    assert.equal(old.conclusion, 'failure')
    assert.equal(fresh.conclusion, 'success')
    assert.equal((await postRow(onGitHub)).external_id, String(fresh.id))
  })

  test('a check run GitHub no longer has is posted afresh', async ({ assert }) => {
    const { organization, pull, onGitHub } = await twoProviders()
    await post(organization, onGitHub, report('pending', 'Checking'))
    const gone = github.checkRuns.findIndex((run) => run.head_sha === pull.headSha)
    github.checkRuns.splice(gone, 1)
    const outcome = await post(organization, onGitHub, report('success', 'Within policy'))
    assert.equal(outcome.outcome, 'posted')
    const runs = github.checkRuns.filter((run) => run.head_sha === pull.headSha)
    assert.lengthOf(runs, 1)
    assert.equal(runs[0].conclusion, 'success')
    assert.equal((await postRow(onGitHub)).external_id, String(runs[0].id))
  })

  test('a provider without status checks answers "unsupported", and nothing is recorded', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const forms = await createConnection(organization, {
      pluginId: 'fixture-forms',
      accountKey: 'audience1',
      config: { list: 'audience1' },
      credentials: { apiKey: 'good-key' },
    })
    const pullRequestId = await pullRequestOn(
      forms,
      { externalId: 'x1', name: 'site', fullName: 'acme/site' },
      { externalId: 'x1-1', number: 1, headSha: HEAD }
    )
    const outcome = await post(organization, pullRequestId, report('success', 'Fine'))
    assert.deepEqual(outcome, {
      outcome: 'unsupported',
      reason: 'Fixture Forms Provider does not support status checks',
    })
    assert.lengthOf(await db.from('status_check_posts'), 0)
  })

  test("another organisation's pull request is not posted on", async ({ assert }) => {
    const { onFixture } = await twoProviders()
    const stranger = await createOrganization()
    const outcome = await post(stranger, onFixture, report('success', 'Fine'))
    assert.equal(outcome.outcome, 'unsupported')
    assert.lengthOf(provider.state.buildStatuses.statuses, 0)
    assert.lengthOf(await db.from('status_check_posts'), 0)
  })

  test('a failure is recorded and answered, not thrown; a queued retry posts it', async ({
    assert,
  }) => {
    const { organization, onFixture } = await twoProviders()
    // more 502s than the HTTP client's own retries
    provider.state.buildStatuses.failures = 5
    const outcome = await post(organization, onFixture, report('success', 'Within policy'))
    assert.equal(outcome.outcome, 'failed')
    assert.isTrue(outcome.outcome === 'failed' && outcome.retrying)
    const failed = await postRow(onFixture)
    assert.equal(failed.status, 'failed')
    assert.match(failed.last_error, /502/)
    assert.lengthOf(provider.state.buildStatuses.statuses, 0)

    await processQueueUntil(async () => (await postRow(onFixture)).status === 'posted')
    const posted = await postRow(onFixture)
    assert.isNull(posted.last_error)
    assert.isAbove(Number(posted.attempts), 1)
    assert.lengthOf(provider.state.buildStatuses.statuses, 1)
    assert.deepEqual(provider.state.buildStatuses.statuses[0].history, ['SUCCESSFUL'])
  }).timeout(60_000)

  test("the connection's page lists what was posted and what failed", async ({ assert }) => {
    const account = await createAccount({ role: 'admin' })
    const fixtureConnection = await createConnection(account.organization)
    const pullRequestId = await pullRequestOn(
      fixtureConnection,
      { externalId: 'r0', name: 'repo-00', fullName: 'acme/repo-00' },
      { externalId: 'pr-7', number: 7, headSha: HEAD }
    )
    provider.state.buildStatuses.failures = 5
    await post(account.organization, pullRequestId, report('failure', 'Policy not met'))
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const page = await web.get(`/settings/connections/${fixtureConnection.publicId}`)
    assert.equal(page.status, 200)
    assert.include(page.text, 'Status checks')
    assert.include(page.text, 'acme/repo-00#7')
    assert.include(page.text, 'Sextant test: Policy not met')
    assert.include(page.text, 'failed with status 502')
  })
})
