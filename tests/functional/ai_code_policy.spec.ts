import { test } from '@japa/runner'
import { createHmac, randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import Organization from '#models/organization'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { processQueueUntil } from '#tests/helpers/queue'
import { WebClient } from '#tests/helpers/web_client'
import { createOrganization } from '#tests/helpers/factories'
import { saveAiCodePolicy } from '#tests/helpers/ai_code_policy'
import { organizationPolicy } from '#services/ai_code/policy'
import { moveGitHubStatusCheckIntoPolicy } from '#database/migrations/1765090000200_move_github_status_check_into_ai_code_policy'
import type { FakeGitHub } from '#plugins/github/tests/fake_github/server'
import {
  connectInstallation,
  deliver,
  deliveryStatus,
  startGitHub,
} from '#plugins/github/tests/testbed'
import { pullRequestEvent } from '#plugins/github/tests/payloads'
import { pullRequestJson, repositoryJson } from '#plugins/bitbucket/tests/fake_bitbucket/api'
import { seedWorkspace } from '#plugins/bitbucket/tests/fake_bitbucket/seed'
import {
  startFakeBitbucket,
  type FakeBitbucket,
} from '#plugins/bitbucket/tests/fake_bitbucket/server'
import { createConnection } from '#tests/helpers/connections'
import { publicIds } from '#services/public_id'

/**
 * The organisation's AI-code policy lives in the core: set on its
 * settings page, evaluated on every pull request event of any code host
 * and posted through the core's status checks, so the same policy gives
 * the same verdict as a check run on fake GitHub and as a build status on
 * fake Bitbucket.
 */
const INSTALLATION = 9101
const BASE = `http://${process.env.HOST}:${process.env.PORT}`
const BITBUCKET_SECRET = 'bitbucket-hook-secret-for-tests'

test.group('AI code policy | one policy, every code host', (group) => {
  let github: FakeGitHub
  let bitbucket: FakeBitbucket
  group.setup(async () => {
    github = await startGitHub()
    github.addInstallation({ id: INSTALLATION, account: { login: 'acme', type: 'Organization' } })
    github.addRepository(INSTALLATION, { name: 'rockets' })
    bitbucket = await startFakeBitbucket()
    return async () => {
      await bitbucket.stop()
      await github.stop()
    }
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    bitbucket.state.workspaces = []
    bitbucket.state.repositories.clear()
    bitbucket.state.statuses.clear()
    bitbucket.state.statusLog.length = 0
    seedWorkspace(bitbucket.state, 'acme', 1, 2)
  })

  async function admin() {
    const account = await createAccount({ role: 'admin' })
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    return { web, organization: account.organization as Organization }
  }

  async function savePolicy(web: WebClient, fields: Record<string, string>) {
    await web.get('/settings/ai-code-policy')
    return web.post('/settings/ai-code-policy', fields)
  }

  /** a GitHub App installation and a Bitbucket workspace, both in the organisation */
  async function twoCodeHosts(organization: Organization) {
    await connectInstallation(organization, INSTALLATION)
    // an OAuth connection whose webhook (registered on connect) signs with this secret
    const { accessToken, refreshToken } = bitbucket.issueTokens()
    const connection = await createConnection(organization, {
      pluginId: 'bitbucket',
      accountKey: 'acme',
      config: { workspace: 'acme' },
      credentials: {
        accessToken,
        refreshToken,
        expiresAt: String(Date.now() + 7200_000),
        webhookSecret: BITBUCKET_SECRET,
      },
    })
    connection.authMethod = 'oauth'
    await connection.save()
  }

  async function gitHubPullRequestOpened(additions: number) {
    const pull = github.addPullRequest('acme/rockets', { additions, deletions: 0 })
    const id = randomUUID()
    const response = await deliver(
      'pull_request',
      pullRequestEvent(github, {
        action: 'opened',
        repository: 'acme/rockets',
        number: pull.number,
        installationId: INSTALLATION,
      }),
      { id }
    )
    if (response.status !== 202) throw new Error(`GitHub delivery answered ${response.status}`)
    await processQueueUntil(async () => (await deliveryStatus(id)) === 'processed')
    return github.checkRuns.filter((run) => run.head_sha === pull.headSha)
  }

  /** pullrequest:created as Bitbucket signs it (X-Hub-Signature over the raw body) */
  async function bitbucketPullRequestCreated(id: number, event = 'pullrequest:created') {
    const repository = bitbucket.state.repositories.get('acme/repo-00')!
    const pull = repository.pullRequests.find((candidate) => candidate.id === id)!
    const body = JSON.stringify({
      actor: pull.author,
      repository: repositoryJson(repository),
      pullrequest: { ...pullRequestJson(repository, pull), updated_on: new Date().toISOString() },
    })
    const deliveryId = randomUUID()
    const response = await fetch(`${BASE}/api/webhooks/bitbucket`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-event-key': event,
        'x-request-uuid': deliveryId,
        'x-hub-signature': `sha256=${createHmac('sha256', BITBUCKET_SECRET).update(body).digest('hex')}`,
      },
      body,
    })
    if (response.status !== 202) throw new Error(`Bitbucket delivery answered ${response.status}`)
    await processQueueUntil(async () => (await deliveryStatus(deliveryId)) === 'processed')
    const head = pull.source.commit!.hash
    return bitbucket.state.statuses.get(`acme/repo-00@${head}`)
  }

  test('the policy saved on the settings page fails a too-large pull request on GitHub and on Bitbucket alike', async ({
    assert,
  }) => {
    const { web, organization } = await admin()
    const saved = await savePolicy(web, { enabled: 'true', maxChangedLines: '5' })
    assert.equal(saved.status, 302)
    await twoCodeHosts(organization)

    const runs = await gitHubPullRequestOpened(40)
    assert.lengthOf(runs, 1)
    assert.equal(runs[0].name, 'Sextant')
    assert.deepEqual(
      runs[0].history.map((entry) => entry.status),
      ['in_progress', 'completed']
    )
    assert.equal(runs[0].conclusion, 'failure')
    assert.include(runs[0].output?.summary ?? '', 'the policy allows at most 5')

    // the seeded Bitbucket pull request #1 is open; its diffstat is 17 lines added
    const statuses = await bitbucketPullRequestCreated(1)
    assert.exists(statuses, 'a build status was posted on the head commit')
    const status = statuses!.get('sextant/ai-policy')!
    assert.equal(status.state, 'FAILED')
    assert.equal(status.name, 'Sextant')
    assert.include(status.description ?? '', 'Policy not met')
    assert.sameMembers(
      bitbucket.state.statusLog.map((line) => line.split(' ').pop()),
      ['INPROGRESS', 'FAILED']
    )

    // both are recorded by the core, fenced to the organisation
    const posts = await db
      .from('status_check_posts')
      .where('organization_id', organization.id)
      .where('report_key', 'sextant/ai-policy')
    assert.lengthOf(posts, 2)
    assert.deepEqual(
      posts.map((post) => post.state),
      ['failure', 'failure']
    )
  })

  test('within the policy, both code hosts get a passing status', async ({ assert }) => {
    const { web, organization } = await admin()
    await savePolicy(web, { enabled: 'true', maxChangedLines: '1000', maxAiSharePercent: '100' })
    await twoCodeHosts(organization)
    const runs = await gitHubPullRequestOpened(40)
    assert.equal(runs[0].conclusion, 'success')
    const statuses = await bitbucketPullRequestCreated(1)
    assert.equal(statuses!.get('sextant/ai-policy')!.state, 'SUCCESSFUL')
    // a declined pull request (#2) is not checked
    assert.notExists(await bitbucketPullRequestCreated(2))
  })

  test("the AI-share limit reads a Bitbucket pull request's commits, as it does GitHub's", async ({
    assert,
  }) => {
    const { web, organization } = await admin()
    await savePolicy(web, { enabled: 'true', maxAiSharePercent: '40' })
    await twoCodeHosts(organization)
    // the seeded open pull request #1 has two commits, one with a Co-authored-by: Claude trailer
    const statuses = await bitbucketPullRequestCreated(1)
    const status = statuses!.get('sextant/ai-policy')!
    assert.equal(status.state, 'FAILED')
    assert.include(status.description ?? '', 'Policy not met: 1 finding(s)')
    const pull = await db
      .from('pull_requests')
      .where('organization_id', organization.id)
      .where('number', 1)
      .whereNotNull('commit_shas')
      .firstOrFail()
    assert.lengthOf(JSON.parse(pull.commit_shas), 2)
  })

  test('an event that brings no new commit (an approval) posts nothing new', async ({ assert }) => {
    const { web, organization } = await admin()
    await savePolicy(web, { enabled: 'true', maxChangedLines: '5' })
    await twoCodeHosts(organization)
    await bitbucketPullRequestCreated(1)
    await bitbucketPullRequestCreated(1, 'pullrequest:approved')
    assert.deepEqual(
      bitbucket.state.statusLog.map((line) => line.split(' ').pop()),
      ['INPROGRESS', 'FAILED']
    )
  })

  test("GitHub's repository page links to the organisation's policy and keeps no setting of its own", async ({
    assert,
  }) => {
    const { web, organization } = await admin()
    await twoCodeHosts(organization)
    const connection = await db
      .from('connections')
      .where('organization_id', organization.id)
      .where('plugin_id', 'github')
      .firstOrFail()
    const publicId = publicIds('connection').encode(connection.id)
    const page = await web.get(`/integrations/github/connections/${publicId}/repositories`)
    assert.equal(page.status, 200)
    assert.include(page.text, 'href="/settings/ai-code-policy"')
    assert.notInclude(page.text, 'name="maxChangedLines"')
    const old = await web.post(`/integrations/github/connections/${publicId}/status-check`, {
      enabled: 'true',
    })
    assert.equal(old.status, 404)
  })

  test('a limit out of range is refused inline and nothing is saved', async ({ assert }) => {
    const { web, organization } = await admin()
    const response = await savePolicy(web, { enabled: 'true', maxAiSharePercent: '150' })
    assert.equal(response.status, 302)
    const page = await web.get('/settings/ai-code-policy')
    assert.include(page.text, 'field-error')
    assert.notExists(
      await db.from('ai_code_policies').where('organization_id', organization.id).first()
    )
  })
})

test.group('AI code policy | the GitHub per-connection setting, migrated', (group) => {
  group.each.setup(resetDatabase())

  async function gitHubConnection(organizationId: number, config: Record<string, unknown>) {
    const organization = await Organization.findOrFail(organizationId)
    const connection = await createConnection(organization, {
      pluginId: 'github',
      accountKey: `acme-${randomUUID()}`,
      config,
    })
    return connection.id
  }

  const policyOf = (organizationId: number) =>
    db.from('ai_code_policies').where('organization_id', organizationId).first()

  test("an organisation without a policy gets its GitHub connection's setting, an enabled one first", async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const off = await gitHubConnection(organization.id, {
      installationId: 1,
      statusCheck: { enabled: false, maxChangedLines: 5 },
    })
    await gitHubConnection(organization.id, {
      installationId: 2,
      statusCheck: { enabled: true, maxAiSharePercent: 40, maxChangedLines: 900 },
    })
    await moveGitHubStatusCheckIntoPolicy(db.connection())

    const policy = await policyOf(organization.id)
    assert.isTrue(Boolean(policy.enabled))
    assert.equal(Number(policy.max_ai_share_percent), 40)
    assert.equal(Number(policy.max_changed_lines), 900)
    assert.isFalse(Boolean(policy.require_attestation))
    // the old setting is gone from the connection, the rest of its config kept
    const row = await db.from('connections').where('id', off).first()
    assert.deepEqual(JSON.parse(row.config), { installationId: 1 })
    const evaluated = await organizationPolicy(organization.id)
    assert.equal(evaluated.source, 'organization')
    assert.equal(evaluated.maxChangedLines, 900)
  })

  test("an organisation's saved policy is kept; other organisations are untouched", async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const bystander = await createOrganization()
    await saveAiCodePolicy(organization.id, { enabled: false, maxChangedLines: 10 })
    await gitHubConnection(organization.id, { statusCheck: { enabled: true } })
    await gitHubConnection(bystander.id, { installationId: 3 })
    await moveGitHubStatusCheckIntoPolicy(db.connection())

    const policy = await policyOf(organization.id)
    assert.isFalse(Boolean(policy.enabled))
    assert.equal(Number(policy.max_changed_lines), 10)
    assert.notExists(await policyOf(bystander.id))
    // no per-connection setting is read any more: without a saved policy, off
    assert.deepEqual(await organizationPolicy(bystander.id), {
      enabled: false,
      maxAiSharePercent: null,
      maxChangedLines: null,
      requireAttestation: false,
      source: 'default',
    })
  })

  test('the core names no provider: no "github" literal in app/, start/ or config/', async ({
    assert,
  }) => {
    const { execFileSync } = await import('node:child_process')
    let found = ''
    try {
      found = execFileSync('grep', ['-rn', "'github'", 'app/', 'start/', 'config/'], {
        encoding: 'utf8',
      })
    } catch (error) {
      // grep exits 1 when nothing matches
      assert.equal((error as { status: number }).status, 1)
    }
    assert.equal(found, '')
  })
})
