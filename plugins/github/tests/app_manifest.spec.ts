import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import { withEnv } from '#plugin-sdk/testing'
import type { FakeGitHub } from './fake_github/server.js'
import { APP, BASE, deliver, startGitHub } from './testbed.js'
import { forgetRegistrationMemo } from '../app_setup/registration.js'
import { resolveAppConfig } from '../config.js'

/**
 * Admin → GitHub App: a superuser creates the App with GitHub's manifest
 * flow (Sextant → GitHub's form → back with a one-time code → the code
 * converted into the App's id, key and secrets, stored sealed), without
 * environment variables or a restart. The fake GitHub answers each hop
 * as GitHub documents it.
 */
const NO_APP_ENV = {
  GITHUB_APP_ID: undefined,
  GITHUB_APP_PRIVATE_KEY: undefined,
  GITHUB_APP_PRIVATE_KEY_PATH: undefined,
  GITHUB_APP_SLUG: undefined,
  GITHUB_CLIENT_ID: undefined,
  GITHUB_CLIENT_SECRET: undefined,
  GITHUB_WEBHOOK_SECRET: undefined,
}

test.group('GitHub App created from a manifest', (group) => {
  let github: FakeGitHub
  group.setup(async () => {
    github = await startGitHub()
    return () => github.stop()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    forgetRegistrationMemo()
    const original = { ...github.state.app }
    const restoreEnv = withEnv(NO_APP_ENV)
    return () => {
      restoreEnv()
      github.state.app = original
      github.state.appKey = null
      github.state.setupUrl = null
      github.state.createdApps.length = 0
      github.state.manifestCodes.clear()
      forgetRegistrationMemo()
    }
  })

  async function signedInSuperuser() {
    const admin = await createAccount({ role: 'admin', superuser: true })
    const client = new WebClient()
    await client.signIn(admin.email, admin.password, admin.totpSecret!)
    return { admin, client }
  }

  /** what a browser does with the page Sextant answers: post the manifest form to GitHub */
  async function postManifestToGitHub(continuePage: string) {
    const action = /<form method="POST" action="([^"]+)" hx-boost="false" data-submit-on-load>/
      .exec(continuePage)![1]
      .replace(/&amp;/g, '&')
    const manifest = /name="manifest" value="([^"]+)"/
      .exec(continuePage)![1]
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&')
    const confirm = await fetch(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ manifest }),
    })
    return {
      action,
      manifest: JSON.parse(manifest),
      confirm: await confirm.text(),
      status: confirm.status,
    }
  }

  /** GitHub's confirmation form sends the browser back with the code and the state */
  function backUrl(confirmPage: string) {
    const action = /<form method="get" action="([^"]+)"/.exec(confirmPage)![1]
    const fields = [...confirmPage.matchAll(/name="([^"]+)" value="([^"]+)"/g)]
    const query = new URLSearchParams(
      fields.map(([, name, value]) => [name, value] as [string, string])
    )
    return `${new URL(action).pathname}?${query}`
  }

  async function startCreation(client: WebClient, fields: Record<string, string> = {}) {
    await client.get('/integrations/github/app')
    return client.post('/integrations/github/app/manifest', {
      name: 'Sextant Test',
      owner_kind: 'user',
      public: 'true',
      ...fields,
    })
  }

  test('without any App the page offers to create one, and names where GitHub will call back', async ({
    assert,
  }) => {
    const { client } = await signedInSuperuser()
    const page = await client.get('/integrations/github/app')
    assert.equal(page.status, 200)
    assert.include(page.text, 'No GitHub App is configured yet')
    assert.include(page.text, `${BASE}/api/webhooks/github`)
    assert.include(page.text, 'Create GitHub App')
  })

  test('the manifest names the URLs, permissions and events Sextant needs', async ({ assert }) => {
    const { client } = await signedInSuperuser()
    const start = await startCreation(client)
    assert.equal(start.status, 200)
    const { action, manifest } = await postManifestToGitHub(start.text)
    assert.match(action, new RegExp(`^${github.url}/settings/apps/new\\?state=[\\w-]{20,}$`))
    assert.equal(manifest.name, 'Sextant Test')
    assert.equal(manifest.url, BASE)
    assert.deepEqual(manifest.hook_attributes, { url: `${BASE}/api/webhooks/github`, active: true })
    assert.equal(manifest.redirect_url, `${BASE}/integrations/github/app/created`)
    assert.equal(manifest.setup_url, `${BASE}/integrations/github/setup`)
    assert.deepEqual(manifest.callback_urls, [`${BASE}/integrations/github/setup`])
    assert.isTrue(manifest.public)
    assert.deepEqual(manifest.default_permissions, {
      contents: 'read',
      pull_requests: 'read',
      checks: 'write',
      metadata: 'read',
      members: 'read',
      deployments: 'read',
      actions: 'read',
    })
    assert.sameMembers(manifest.default_events, [
      'pull_request',
      'push',
      'check_suite',
      'deployment_status',
      'workflow_run',
    ])
  })

  test('an organisation-owned App is posted to the organisation settings path', async ({
    assert,
  }) => {
    const { client } = await signedInSuperuser()
    const start = await startCreation(client, {
      owner_kind: 'organization',
      organization: 'acme-rockets',
    })
    const { action } = await postManifestToGitHub(start.text)
    assert.match(
      action,
      new RegExp(`^${github.url}/organizations/acme-rockets/settings/apps/new\\?state=`)
    )
  })

  test('coming back from GitHub stores the App sealed, and the App works without a restart', async ({
    assert,
  }) => {
    const { client } = await signedInSuperuser()
    const start = await startCreation(client)
    const { confirm } = await postManifestToGitHub(start.text)
    const back = await client.get(backUrl(confirm))
    assert.equal(back.status, 302, back.text)
    assert.equal(back.location, '/integrations/github/app')

    const created = github.state.createdApps.at(-1)!
    const row = await db.from('github_app_registrations').firstOrFail()
    assert.equal(String(row.app_id), String(created.id))
    assert.equal(row.slug, created.slug)
    for (const column of ['private_key', 'client_secret', 'webhook_secret']) {
      assert.notInclude(row[column], 'PRIVATE KEY')
      assert.notEqual(row[column], created.webhookSecret)
    }
    const config = await resolveAppConfig()
    assert.equal(config.source, 'database')
    assert.equal(config.appId, String(created.id))
    assert.include(config.privateKey!, 'BEGIN RSA PRIVATE KEY')

    const page = await client.get('/integrations/github/app')
    assert.include(page.text, 'Install on GitHub')
    assert.include(page.text, created.slug)
    // the new App's JWT is accepted: the install button leads to its install page
    const install = await client.post('/integrations/github/install')
    assert.equal(install.status, 302)
    assert.include(install.location!, `/apps/${created.slug}/installations/new?state=`)
  })

  test('a delivery signed with the created App’s webhook secret is accepted, the old secret is not', async ({
    assert,
  }) => {
    const { client } = await signedInSuperuser()
    const start = await startCreation(client)
    const { confirm } = await postManifestToGitHub(start.text)
    await client.get(backUrl(confirm))
    const created = github.state.createdApps.at(-1)!
    const accepted = await deliver(
      'ping',
      { zen: 'Keep it logically awesome.' },
      { secret: created.webhookSecret }
    )
    assert.oneOf(accepted.status, [200, 202])
    const refused = await deliver('ping', { zen: 'x' }, { secret: APP.webhookSecret })
    assert.equal(refused.status, 401)
  })

  test('a tampered state is refused and nothing is stored or converted', async ({ assert }) => {
    const { client } = await signedInSuperuser()
    const start = await startCreation(client)
    const { confirm } = await postManifestToGitHub(start.text)
    const url = backUrl(confirm).replace(/state=[^&]+/, 'state=forged-state-value')
    const back = await client.get(url)
    assert.equal(back.status, 400)
    assert.include(back.text, 'nothing was stored')
    assert.lengthOf(await db.from('github_app_registrations'), 0)
    assert.lengthOf(github.state.createdApps, 0)
    assert.equal(github.state.manifestCodes.size, 1)
  })

  test('a code GitHub no longer knows is reported, nothing stored', async ({ assert }) => {
    const { client } = await signedInSuperuser()
    const start = await startCreation(client)
    const { confirm } = await postManifestToGitHub(start.text)
    github.state.manifestCodes.clear()
    const back = await client.get(backUrl(confirm))
    assert.equal(back.status, 502)
    assert.include(back.text, 'no longer knows this App creation')
    assert.lengthOf(await db.from('github_app_registrations'), 0)
  })

  test('an App name GitHub would refuse is answered inline with 422', async ({ assert }) => {
    const { client } = await signedInSuperuser()
    const response = await startCreation(client, { name: 'x'.repeat(35) })
    assert.equal(response.status, 422)
    assert.include(response.text, 'field-error')
    const organization = await startCreation(client, {
      owner_kind: 'organization',
      organization: '',
    })
    assert.equal(organization.status, 422)
  })

  test('with GITHUB_APP_ID and the others set the environment wins, and the page says so', async ({
    assert,
    cleanup,
  }) => {
    cleanup(
      withEnv({
        GITHUB_APP_ID: String(APP.id),
        GITHUB_APP_SLUG: APP.slug,
        GITHUB_CLIENT_ID: APP.clientId,
        GITHUB_CLIENT_SECRET: APP.clientSecret,
        GITHUB_WEBHOOK_SECRET: APP.webhookSecret,
        GITHUB_APP_PRIVATE_KEY: 'placeholder',
      })
    )
    const { client } = await signedInSuperuser()
    const page = await client.get('/integrations/github/app')
    assert.include(page.text, 'environment variables')
    assert.include(page.text, `GITHUB_APP_ID=${APP.id}`)
    assert.notInclude(page.text, 'Create GitHub App')
    const refused = await client.post('/integrations/github/app/manifest', {
      name: 'Sextant Test',
      owner_kind: 'user',
    })
    assert.equal(refused.status, 409)
    const config = await resolveAppConfig()
    assert.equal(config.source, 'environment')
  })

  test('members who are not superusers get the admin area’s 404', async ({ assert }) => {
    const admin = await createAccount({ role: 'admin' })
    const client = new WebClient()
    await client.signIn(admin.email, admin.password, admin.totpSecret!)
    const page = await client.get('/integrations/github/app')
    assert.equal(page.status, 404)
    const post = await client.post('/integrations/github/app/manifest', {
      name: 'x',
      owner_kind: 'user',
    })
    assert.oneOf(post.status, [403, 404])
    assert.notInclude(post.text, 'manifest')
  })

  test('the webhook URL can be corrected afterwards, on GitHub too', async ({ assert }) => {
    const { client } = await signedInSuperuser()
    const start = await startCreation(client)
    const { confirm } = await postManifestToGitHub(start.text)
    await client.get(backUrl(confirm))
    await client.get('/integrations/github/app')
    const saved = await client.post('/integrations/github/app/webhook-url', {
      webhook_url: 'https://sextant.example.com/api/webhooks/github',
    })
    assert.equal(saved.status, 302, JSON.stringify(github.state.requests.slice(-3)))
    assert.equal(github.state.hookConfig.url, 'https://sextant.example.com/api/webhooks/github')
    const row = await db.from('github_app_registrations').firstOrFail()
    assert.equal(row.webhook_url, 'https://sextant.example.com/api/webhooks/github')
  })
})
