import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { withEnv } from '#tests/helpers/env'
import { runAce } from '#tests/helpers/processes'
import { WebClient } from '#tests/helpers/web_client'
import { startFakeMailchimp } from '#plugins/mailchimp/tests/fake_mailchimp'

/**
 * Installation-scoped connections: a plugin declaring
 * `connection.scope: 'installation'` (Mailchimp) is connected once for
 * the whole installation by a superuser in Admin → Integrations, and is
 * no organisation's business. Against Mailchimp's API on loopback.
 */
const PAGE = '/admin-test/integrations'
const KEY = 'k3y-us21'

type Fake = Awaited<ReturnType<typeof startFakeMailchimp>>

async function superuser() {
  const admin = await createAccount({ role: 'owner', superuser: true })
  const web = new WebClient()
  await web.signIn(admin.email, admin.password, admin.totpSecret!)
  await web.get(PAGE)
  return web
}

async function mailchimpConnections() {
  const [row] = await db.from('connections').where('plugin_id', 'mailchimp').count('* as n')
  return Number(row.n)
}

function connect(web: WebClient, fields: Record<string, string>) {
  const form: Record<string, string> = {}
  for (const [name, value] of Object.entries(fields)) form[`fields[${name}]`] = value
  return web.post(`${PAGE}/mailchimp/connect`, form)
}

test.group('Installation-scoped connections', (group) => {
  let fake: Fake
  group.setup(async () => {
    fake = await startFakeMailchimp({ apiKey: KEY })
    return () => fake.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    fake.state.lists.clear()
    fake.state.lists.set('aud1', { id: 'aud1', name: 'Sextant users', body: {} })
    return withEnv({
      MAILCHIMP_API_URL: fake.url,
      MAILCHIMP_API_KEY: undefined,
      MAILCHIMP_SERVER_PREFIX: undefined,
      MAILCHIMP_AUDIENCE_ID: undefined,
    })
  })

  test('a superuser connects the installation’s account; its test names the account and the audience', async ({
    assert,
  }) => {
    const web = await superuser()
    const answer = await connect(web, { apiKey: KEY, audienceId: 'aud1' })
    assert.equal(answer.location, PAGE)
    const page = await web.get(PAGE)
    assert.include(page.text, 'Mailchimp account Acme Operators, audience Sextant users')

    const connection = await Connection.query().where('plugin_id', 'mailchimp').firstOrFail()
    assert.isNull(connection.organizationId)
    assert.equal(connection.status, 'active')
    // the prefix comes from the key's -us21 suffix; the key is sealed, never plain
    assert.deepInclude(connection.configValues, { serverPrefix: 'us21', audienceId: 'aud1' })
    assert.notInclude(String(connection.credentials), KEY)
    assert.equal(connection.openCredentials().apiKey, KEY)
    assert.notInclude(page.text, KEY)
  })

  test('empty fields take the environment’s MAILCHIMP_* values', async ({ assert, cleanup }) => {
    cleanup(withEnv({ MAILCHIMP_API_KEY: KEY, MAILCHIMP_AUDIENCE_ID: 'aud1' }))
    const web = await superuser()
    await connect(web, {})
    const connection = await Connection.query().where('plugin_id', 'mailchimp').firstOrFail()
    assert.equal(connection.status, 'active')
    assert.equal(connection.openCredentials().apiKey, KEY)
  })

  test('a key without a data centre and no prefix is refused with the reason, nothing stored', async ({
    assert,
  }) => {
    const web = await superuser()
    const answer = await connect(web, { apiKey: 'plainkey', audienceId: 'aud1' })
    assert.equal(answer.status, 422)
    assert.include(answer.text, 'The key has no -usXX suffix: enter the server prefix (us21)')
    assert.equal(await mailchimpConnections(), 0)
  })

  test('a wrong key is saved as failing, with Mailchimp’s reason in words', async ({ assert }) => {
    const web = await superuser()
    await connect(web, { apiKey: 'wrong-us21', audienceId: 'aud1' })
    const connection = await Connection.query().where('plugin_id', 'mailchimp').firstOrFail()
    assert.equal(connection.status, 'error')
    assert.include(connection.lastError!, 'API Key Invalid')
    assert.include((await web.get(PAGE)).text, 'API Key Invalid')
  })

  test('Test and Disconnect work on the installation’s connection', async ({ assert }) => {
    const web = await superuser()
    await connect(web, { apiKey: KEY, audienceId: 'aud1' })
    const connection = await Connection.query().where('plugin_id', 'mailchimp').firstOrFail()
    fake.state.accountName = 'Renamed Ops'
    await web.post(`${PAGE}/connections/${connection.publicId}/test`)
    assert.include((await web.get(PAGE)).text, 'Test passed: Mailchimp account Renamed Ops')

    await web.post(`${PAGE}/connections/${connection.publicId}/disconnect`)
    const left = await Connection.query().where('id', connection.id).first()
    // gone, or leaving while onDisconnecting removes the webhook at Mailchimp
    assert.isTrue(left === null || left.status === 'disconnecting')
  })

  test('organisation members never see it, and cannot connect or reach it', async ({ assert }) => {
    const web = await superuser()
    await connect(web, { apiKey: KEY, audienceId: 'aud1' })
    const connection = await Connection.query().where('plugin_id', 'mailchimp').firstOrFail()

    const owner = await createAccount({ role: 'owner' })
    const member = new WebClient()
    await member.signIn(owner.email, owner.password, owner.totpSecret!)
    const page = await member.get('/settings/connections')
    assert.equal(page.status, 200)
    assert.include(page.text, 'id="plugin-fixture"')
    assert.notInclude(page.text, 'id="plugin-mailchimp"')
    assert.notInclude(page.text, connection.publicId)
    assert.equal((await member.get(`/settings/connections/${connection.publicId}`)).status, 404)
    await member.post(`/settings/connections/${connection.publicId}/disconnect`)
    assert.isNotNull(await Connection.find(connection.id))

    await member.post('/settings/connections/mailchimp/connect', { 'fields[apiKey]': KEY })
    assert.equal(await mailchimpConnections(), 1)
    assert.equal((await member.get(PAGE)).status, 404)
  })

  test('plugins:list names the scope', async ({ assert }) => {
    const result = await runAce(['plugins:list', '--json'])
    assert.equal(result.code, 0, result.stderr)
    const line = result.stdout.split('\n').find((text) => text.startsWith('['))!
    const plugins = JSON.parse(line) as Array<{ id: string; scope: string | null }>
    assert.equal(plugins.find((plugin) => plugin.id === 'mailchimp')?.scope, 'installation')
    assert.equal(plugins.find((plugin) => plugin.id === 'github')?.scope, 'organization')
  }).timeout(60_000)
})
