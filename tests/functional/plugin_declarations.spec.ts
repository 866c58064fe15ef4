import { test } from '@japa/runner'
import { saveAiCodePolicy } from '#tests/helpers/ai_code_policy'
import db from '@adonisjs/lucid/services/db'
import type { PluginListing } from '#actions/plugins/list_plugins'
import { SecretBox } from '#services/secret_box'
import { complianceOverview } from '#services/insights/compliance'
import { ensureSampleReferenceData } from '#actions/demo/insights_reference_data'
import { createConnection } from '#tests/helpers/connections'
import { populatePluginDemoData } from '#actions/demo/populate_dev_data'
import { deletePluginOrganizationData } from '#services/plugins/organization_data'
import { validateManifest } from '#services/plugins/manifest'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { createOrganization } from '#tests/helpers/factories'
import { withEnv } from '#tests/helpers/env'
import { runAce } from '#tests/helpers/processes'
import { WebClient } from '#tests/helpers/web_client'

/**
 * What a plugin declares it owns (tests/fixtures/plugins/fixture-owned):
 * the core honours each declaration without naming the plugin.
 */
async function listing(env: Record<string, string | undefined>) {
  const result = await runAce(['plugins:list', '--json'], env)
  const line = result.stdout.split('\n').find((candidate) => candidate.startsWith('['))
  if (result.code !== 0 || !line)
    throw new Error(`plugins:list failed:\n${result.stdout}\n${result.stderr}`)
  return (JSON.parse(line) as PluginListing[]).find((plugin) => plugin.id === 'fixture-owned')!
}

test.group('Plugin declarations | environment variables', (group) => {
  group.each.setup(resetDatabase)

  test('a plugin missing a required variable is listed as needing configuration, naming it', async ({
    assert,
  }) => {
    const missing = await listing({ FIXTURE_OWNED_API_KEY: '' })
    assert.equal(missing.state, 'needs configuration')
    assert.deepEqual(
      missing.needsConfiguration.map((problem) => problem.variable),
      ['FIXTURE_OWNED_API_KEY']
    )
    assert.include(missing.needsConfiguration[0].message, "the provider's API key")

    const table = await runAce(['plugins:list'], { FIXTURE_OWNED_API_KEY: '' })
    assert.match(table.stdout, /fixture-owned.*needs configuration.*set FIXTURE_OWNED_API_KEY/)

    const configured = await listing({ FIXTURE_OWNED_API_KEY: 'a-key' })
    assert.equal(configured.state, 'loaded')
    assert.deepEqual(configured.needsConfiguration, [])
    // three `node ace` processes, each booting every plugin: a minute each on a loaded machine
  }).timeout(180_000)

  test('a value of the wrong type is named, and the default is used meanwhile', async ({
    assert,
    cleanup,
  }) => {
    const invalid = await listing({ FIXTURE_OWNED_PAGE_SIZE: 'lots' })
    assert.equal(invalid.state, 'needs configuration')
    assert.deepEqual(invalid.needsConfiguration, [
      {
        variable: 'FIXTURE_OWNED_PAGE_SIZE',
        message: 'FIXTURE_OWNED_PAGE_SIZE must be a number (it is "lots")',
      },
    ])

    const account = await createAccount({ role: 'admin' })
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    cleanup(withEnv({ FIXTURE_OWNED_PAGE_SIZE: 'lots' }))
    const fallback = await web.get('/integrations/fixture-owned/abilities', {
      accept: 'application/json',
    })
    assert.equal(JSON.parse(fallback.text).pageSize, 50)
    process.env.FIXTURE_OWNED_PAGE_SIZE = '20'
    const set = await web.get('/integrations/fixture-owned/abilities', {
      accept: 'application/json',
    })
    assert.equal(JSON.parse(set.text).pageSize, 20)
  }).timeout(60_000)

  test('the Connections page names what the server still has to set', async ({
    assert,
    cleanup,
  }) => {
    const account = await createAccount({ role: 'admin' })
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)

    cleanup(withEnv({ FIXTURE_OWNED_API_KEY: undefined }))
    const page = await web.get('/settings/connections')
    assert.equal(page.status, 200)
    assert.include(page.text, 'This plugin needs configuration on the server')
    assert.include(page.text, 'FIXTURE_OWNED_API_KEY is not set')

    process.env.FIXTURE_OWNED_API_KEY = 'a-key'
    const configured = await web.get('/settings/connections')
    assert.notInclude(configured.text, 'FIXTURE_OWNED_API_KEY is not set')
  }).timeout(60_000)
})

test.group('Plugin declarations | sealed columns', (group) => {
  group.each.setup(resetDatabase)

  test("secrets:rotate re-seals a plugin's declared column", async ({ assert }) => {
    const organization = await createOrganization()
    const oldKey = process.env.SECRETS_ENCRYPTION_KEYS!
    const newKey = 'rotation-test-new-key-not-secret-0123456789'
    const [inserted] = await db
      .table('fixture_owned_vault')
      .insert({ organization_id: organization.id, secret: null })
      .returning('id')
    const id = Number(typeof inserted === 'object' ? inserted.id : inserted)
    const purpose = { table: 'fixture_owned_vault', column: 'secret', rowId: id }
    const before = new SecretBox([oldKey]).seal('vault-secret', purpose)
    await db.from('fixture_owned_vault').where('id', id).update({ secret: before })

    const rotated = await runAce(['secrets:rotate'], {
      SECRETS_ENCRYPTION_KEYS: `${newKey},${oldKey}`,
    })
    assert.equal(rotated.code, 0, rotated.stdout + rotated.stderr)
    assert.include(rotated.stdout, 'fixture_owned_vault.secret: 1 re-encrypted, 0 already current')

    const after = await db.from('fixture_owned_vault').where('id', id).firstOrFail()
    assert.notEqual(after.secret, before)
    assert.equal(new SecretBox([newKey]).open(after.secret, purpose), 'vault-secret')
    assert.throws(() => new SecretBox([oldKey]).open(after.secret, purpose))
  }).timeout(60_000)

  test("a plugin cannot declare the core's tables as its own", async ({ assert }) => {
    const plugin = (extra: object) => ({
      id: 'probe',
      name: 'Probe',
      description: 'probe',
      category: 'other',
      version: '1.0.0',
      ...extra,
    })
    assert.throws(
      () =>
        validateManifest(
          'probe',
          '.',
          plugin({ sealedColumns: [{ table: 'mfa_factors', column: 'secret' }] })
        ),
      /sealedColumns\[0\]\.table "mfa_factors" is not one of the plugin's tables \(they start with probe_\)/
    )
    assert.throws(
      () => validateManifest('probe', '.', plugin({ organizationTables: [{ table: 'users' }] })),
      /organizationTables\[0\]\.table "users" is not one of the plugin's tables/
    )
    assert.throws(
      () =>
        validateManifest(
          'probe',
          '.',
          plugin({
            permissions: { 'members.manage': { description: 'x', grantedFrom: 'viewer' } },
          })
        ),
      /permissions\["members.manage"\] must be named "probe.<action>"/
    )
    assert.doesNotThrow(() =>
      validateManifest(
        'probe',
        '.',
        plugin({ sealedColumns: [{ table: 'probe_keys', column: 'key' }] })
      )
    )
  })
})

test.group('Plugin declarations | permissions', (group) => {
  group.each.setup(resetDatabase)

  test("a plugin's permission is listed on the members page with the roles holding it", async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'admin' })
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)

    const page = await web.get('/settings/members')
    assert.equal(page.status, 200)
    const row = /<tr data-permission="fixture-owned\.reports\.publish">([\s\S]*?)<\/tr>/.exec(
      page.text
    )
    assert.isNotNull(row, 'the plugin permission is not on the members page')
    assert.include(row![1], 'Publish the fixture reports')
    assert.include(row![1], 'plugin fixture-owned')
    // owner, admin hold it; member, viewer do not
    assert.deepEqual(
      [...row![1].matchAll(/aria-label="(yes|no)"/g)].map((match) => match[1]),
      ['yes', 'yes', 'no', 'no']
    )
  }).timeout(60_000)

  test("a plugin's permission guards its routes and ctx.plugin.can", async ({ assert }) => {
    const organization = await createOrganization()
    const admin = await createAccount({ role: 'admin', organization })
    const member = await createAccount({ role: 'member', organization })

    const asAdmin = new WebClient()
    await asAdmin.signIn(admin.email, admin.password, admin.totpSecret!)
    await asAdmin.get('/settings/members') // a page holding the session's CSRF token
    const allowed = await asAdmin.post('/integrations/fixture-owned/publish')
    assert.equal(allowed.status, 200, allowed.text)
    assert.deepEqual(JSON.parse(allowed.text), { published: true })
    const adminAbilities = await asAdmin.get('/integrations/fixture-owned/abilities')
    assert.isTrue(JSON.parse(adminAbilities.text).publish)

    const asMember = new WebClient()
    await asMember.signIn(member.email, member.password, member.totpSecret!)
    await asMember.get('/settings/members')
    const refused = await asMember.post('/integrations/fixture-owned/publish')
    assert.equal(refused.status, 403)
    const memberAbilities = await asMember.get('/integrations/fixture-owned/abilities')
    assert.isFalse(JSON.parse(memberAbilities.text).publish)
  }).timeout(60_000)

  test('init:groups writes the plugin permission into the roles that hold it', async ({
    assert,
  }) => {
    const result = await runAce(['init:groups'])
    assert.equal(result.code, 0, result.stdout + result.stderr)
    const holders = await db
      .from('role_permissions')
      .join('roles', 'roles.id', 'role_permissions.role_id')
      .join('permissions', 'permissions.id', 'role_permissions.permission_id')
      .where('permissions.name', 'fixture-owned.reports.publish')
      .orderBy('roles.name')
      .select('roles.name')
    assert.deepEqual(
      holders.map((row) => row.name),
      ['admin', 'owner']
    )
  }).timeout(60_000)
})

test.group('Plugin declarations | compliance evidence', (group) => {
  group.each.setup(resetDatabase)
  group.each.setup(() => ensureSampleReferenceData())

  test("a plugin's published facts decide the status-check controls, whatever the provider", async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const statusChecks = async () => {
      for (const jurisdiction of await complianceOverview(organization.id, 'US')) {
        for (const standard of jurisdiction.standards) {
          const found = standard.controls.find((entry) => entry.code === 'SOC2-CC8.1')
          if (found) return found
        }
      }
      throw new Error('no SOC2-CC8.1 control')
    }
    assert.equal((await statusChecks()).status, 'no_data')

    // the organisation's policy posts the check; the plugin says whether its connection can
    await saveAiCodePolicy(organization.id, { enabled: true })
    const connection = await createConnection(organization, {
      pluginId: 'fixture-owned',
      accountKey: 'tracker',
      config: { requiredCheck: false },
    })
    const off = await statusChecks()
    assert.equal(off.status, 'not_met')
    assert.deepEqual(off.evidence, [
      { label: 'AI code policy: status check on', href: '/settings/ai-code-policy' },
      {
        label: 'tracker: required check off',
        href: `/integrations/fixture-owned/connections/${connection.publicId}`,
      },
    ])

    connection.configValues = { requiredCheck: true }
    await connection.save()
    assert.equal((await statusChecks()).status, 'met')
  })
})

test.group('Plugin declarations | demo data', (group) => {
  group.each.setup(resetDatabase)

  test('each plugin writes its own demo history, as its own provider', async ({ assert }) => {
    const organization = await createOrganization()
    const stored = () =>
      db
        .from('repositories')
        .where('organization_id', organization.id)
        .select('provider', 'full_name')
    await populatePluginDemoData(organization.id)
    const once = await stored()
    await populatePluginDemoData(organization.id) // again: upserted, nothing doubled

    const repositories = await stored()
    const byProvider = (provider: string) =>
      repositories.filter((row) => row.provider === provider).map((row) => row.full_name)
    assert.deepEqual(byProvider('fixture-owned'), ['demo/owned-demo'])
    assert.lengthOf(byProvider('github'), 5)
    assert.lengthOf(byProvider('bitbucket'), 3)
    assert.sameMembers(byProvider('azure_devops'), [
      'Mission/flight-software',
      'Mission/range-safety',
      'Mission/payload-ops',
    ])
    assert.lengthOf(repositories, once.length)
  }).timeout(60_000)
})

test.group('Plugin declarations | organisation tables', (group) => {
  group.each.setup(resetDatabase)

  test("deleting an organisation's data empties the plugins' declared tables for it alone", async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const other = await createOrganization()
    await db.table('fixture_owned_vault').multiInsert([
      { organization_id: organization.id, secret: null },
      { organization_id: organization.id, secret: null },
      { organization_id: other.id, secret: null },
    ])

    const report = await db.transaction((trx) => deletePluginOrganizationData(organization.id, trx))
    assert.deepInclude(report, {
      pluginId: 'fixture-owned',
      table: 'fixture_owned_vault',
      deleted: 2,
    })
    const left = await db.from('fixture_owned_vault').select('organization_id')
    assert.deepEqual(
      left.map((row) => Number(row.organization_id)),
      [other.id]
    )
  })
})
