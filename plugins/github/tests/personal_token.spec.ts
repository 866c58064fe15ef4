import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import RunSync from '#actions/sync/run_sync'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import type { FakeGitHub } from './fake_github/server.js'
import { startGitHub } from './testbed.js'

/**
 * Token quick-connect: an organisation connects GitHub with a
 * fine-grained personal access token, without an App. It syncs through
 * the same tasks with conditional requests; it cannot post status checks
 * or receive webhooks, and the pages say so.
 */
test.group('GitHub with a personal access token', (group) => {
  let github: FakeGitHub
  let installation = 8800
  group.setup(async () => {
    github = await startGitHub()
    return () => github.stop()
  })
  group.each.setup(resetDatabase())

  async function signedInAdmin() {
    const admin = await createAccount({ role: 'admin' })
    const client = new WebClient()
    await client.signIn(admin.email, admin.password, admin.totpSecret!)
    await client.get('/settings/connections')
    return { admin, client }
  }

  function connectWithToken(client: WebClient, token: string) {
    return client.post('/settings/connections/github/connect', {
      'method': 'token',
      'baseUrl': '',
      'fields[token]': token,
    })
  }

  test('the connect page offers the App and a personal access token side by side', async ({
    assert,
  }) => {
    const { client } = await signedInAdmin()
    const page = await client.get('/settings/connections')
    assert.include(page.text, 'id="connect-github-token"')
    assert.include(page.text, 'Fine-grained personal access token')
    assert.include(page.text, 'Pull requests: read')
  })

  test('a token connects, is sealed, and its test names the user and what it can read', async ({
    assert,
  }) => {
    const id = ++installation
    github.addInstallation({ id, account: { login: `pat-org${id}`, type: 'Organization' } })
    github.addRepository(id, { name: 'engine' })
    github.addRepository(id, { name: 'fuel' })
    const token = github.addPersonalAccessToken({ login: `linus${id}`, installationIds: [id] })
    const { admin, client } = await signedInAdmin()

    const response = await connectWithToken(client, token)
    assert.equal(response.status, 302, response.text)
    const connection = await Connection.query().where('plugin_id', 'github').firstOrFail()
    assert.equal(connection.organizationId, admin.organization.id)
    assert.equal(connection.authMethod, 'token')
    const raw = await db.from('connections').where('id', connection.id).firstOrFail()
    assert.notInclude(JSON.stringify(raw), token)

    const page = await client.get(`/settings/connections/${connection.publicId}`)
    assert.include(page.text, `The token of linus${id} can read 2 repositories`)
    assert.include(page.text, 'no status checks or webhooks')
  })

  test('a token GitHub does not know is refused with GitHub’s reason, not stored as working', async ({
    assert,
  }) => {
    const { client } = await signedInAdmin()
    const response = await connectWithToken(client, 'github_pat_unknown_0123456789abcdefghij')
    const connection = await Connection.query().where('plugin_id', 'github').first()
    const page = connection
      ? await client.get(`/settings/connections/${connection.publicId}`)
      : await client.get(response.location ?? '/settings/connections')
    assert.notEqual(connection?.status, 'active')
    assert.match(page.text, /401|Bad credentials|rejected/i)
  })

  test('10 repositories and their pull requests sync, then re-sync with conditional requests', async ({
    assert,
  }) => {
    const id = ++installation
    github.addInstallation({ id, account: { login: `pat-sync${id}`, type: 'Organization' } })
    github.seedOrganization(id, 10, 30)
    const token = github.addPersonalAccessToken({ login: `grace${id}`, installationIds: [id] })
    const { client } = await signedInAdmin()
    await connectWithToken(client, token)
    const connection = await Connection.query().where('plugin_id', 'github').firstOrFail()

    github.resetRequests()
    const [repositories] = await new RunSync().execute({
      connection,
      tasks: ['repositories'],
      trigger: 'cli',
    })
    assert.equal(repositories.status, 'succeeded', repositories.error ?? '')
    assert.isTrue(github.requests.some((request) => request.path.startsWith('/user/repos')))
    assert.isFalse(github.requests.some((request) => request.path.includes('/access_tokens')))
    const [{ total: repositoryCount }] = await db.from('repositories').count('* as total')
    assert.equal(Number(repositoryCount), 10)

    const [first] = await new RunSync().execute({
      connection,
      tasks: ['pull_requests'],
      trigger: 'cli',
    })
    assert.equal(first.status, 'succeeded', first.error ?? '')
    const [{ total: pullCount }] = await db.from('pull_requests').count('* as total')
    assert.equal(Number(pullCount), 10 * 30)

    github.resetRequests()
    const [again] = await new RunSync().execute({
      connection,
      tasks: ['pull_requests'],
      trigger: 'cli',
    })
    assert.equal(again.status, 'succeeded', again.error ?? '')
    const lists = github.requests.filter((request) => /\/pulls\?/.test(request.path))
    assert.lengthOf(lists, 10)
    assert.isTrue(lists.every((request) => request.status === 304))
  })

  test('the core answers "unsupported" for a status on a token connection’s pull request, and posts nothing', async ({
    assert,
  }) => {
    const id = ++installation
    github.addInstallation({ id, account: { login: `pat-core${id}`, type: 'Organization' } })
    github.seedOrganization(id, 1, 2)
    const token = github.addPersonalAccessToken({ login: `joan${id}`, installationIds: [id] })
    const { admin, client } = await signedInAdmin()
    await connectWithToken(client, token)
    const connection = await Connection.query().where('plugin_id', 'github').firstOrFail()
    await new RunSync().execute({
      connection,
      tasks: ['repositories', 'pull_requests'],
      trigger: 'cli',
    })
    const pull = await db
      .from('pull_requests')
      .where('organization_id', admin.organization.id)
      .firstOrFail()
    github.resetRequests()
    const { default: PostStatusCheck } = await import('#actions/status_checks/post_status_check')
    const outcome = await new PostStatusCheck().execute({
      organizationId: admin.organization.id,
      pullRequestId: pull.id,
      report: {
        key: 'sextant/ai-policy',
        name: 'Sextant',
        state: 'success',
        title: 'Within policy',
      },
    })
    assert.equal(outcome.outcome, 'unsupported')
    assert.include(outcome.outcome === 'unsupported' ? outcome.reason : '', 'personal access token')
    assert.isFalse(github.requests.some((request) => request.path.includes('/check-runs')))
  })

  test('a token connection cannot post status checks, and its page says why', async ({
    assert,
  }) => {
    const id = ++installation
    github.addInstallation({ id, account: { login: `pat-check${id}`, type: 'Organization' } })
    const token = github.addPersonalAccessToken({ login: `ada${id}`, installationIds: [id] })
    const { client } = await signedInAdmin()
    await connectWithToken(client, token)
    const connection = await Connection.query().where('plugin_id', 'github').firstOrFail()
    const url = `/integrations/github/connections/${connection.publicId}/repositories`
    const page = await client.get(url)
    assert.include(page.text, 'cannot post status checks on pull requests or receive webhooks')
    assert.include(page.text, 'Upgrade to the GitHub App')
    assert.notInclude(page.text, 'Settings → AI code policy')
  })
})
