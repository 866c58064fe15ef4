import { test } from '@japa/runner'
import ace from '@adonisjs/core/services/ace'
import db from '@adonisjs/lucid/services/db'
import Membership from '#models/membership'
import Organization from '#models/organization'
import User from '#models/user'
import { resetDatabase } from '#tests/helpers/database'
import { DEMO_ORGANIZATION } from '#actions/demo/populate_dev_data'
import { runAce } from '#tests/helpers/processes'

test.group('Ace commands', (group) => {
  group.each.setup(resetDatabase)

  test('"node ace list" shows the project commands with descriptions', async ({ assert }) => {
    const result = await runAce(['list'])
    assert.equal(result.code, 0, result.stderr)
    // descriptions wrap to the terminal's width: read the listing as one line
    const listing = result.stdout.replace(/\s+/g, ' ')
    assert.match(listing, /down Put Sextant in maintenance mode/)
    assert.match(listing, /up Leave maintenance mode/)
    assert.match(listing, /populate:dev-data.* Create the demo organisation/)
  }).timeout(60_000)

  test('populate:dev-data creates the demo organisation once, however often it runs', async ({
    assert,
  }) => {
    const first = await ace.exec('populate:dev-data', [])
    const second = await ace.exec('populate:dev-data', [])
    assert.equal(first.exitCode, 0)
    assert.equal(second.exitCode, 0)
    const organizations = await Organization.query().where('slug', DEMO_ORGANIZATION.slug)
    assert.lengthOf(organizations, 1)
    assert.isTrue(Boolean(organizations[0].isDemo))
  })

  test('populate:dev-data gives the demo organisation GitHub repositories, pull requests and AI-assisted commits', async ({
    assert,
  }) => {
    await ace.exec('populate:dev-data', [])
    const organization = await Organization.findByOrFail('slug', DEMO_ORGANIZATION.slug)
    const count = async (table: string, provider?: string) => {
      const query = db.from(table).where('organization_id', organization.id)
      if (provider) query.where('provider', provider)
      const [{ total }] = await query.count('* as total')
      return Number(total)
    }
    const pullRequestsAfterFirstRun = await count('pull_requests')
    const factsAfterFirstRun = await count('ai_code_facts')
    await ace.exec('populate:dev-data', [])
    // the AI Code Monitor's demo: six repositories' GBOMs, written once
    assert.equal(await count('ai_code_gboms'), 6)
    assert.equal(await count('ai_code_facts'), factsAfterFirstRun)

    // 5 repositories of the GitHub plugin's demo and 20 generated for the dashboards
    assert.equal(await count('repositories', 'github'), 5)
    assert.equal(await count('repositories', 'demo'), 20)
    assert.isAbove(pullRequestsAfterFirstRun, 1_000)
    assert.equal(await count('pull_requests'), pullRequestsAfterFirstRun)
    const merged = await db
      .from('pull_requests')
      .where('organization_id', organization.id)
      .where('state', 'merged')
      .whereNotNull('first_review_at')
    assert.isAbove(merged.length, 150)
    const assisted = await db
      .from('commits')
      .where('organization_id', organization.id)
      .where('ai_assisted', true)
    assert.isAbove(assisted.length, 0)
  })

  test('populate:dev-data --if-empty leaves a database that has data alone', async ({ assert }) => {
    await Organization.create({ name: 'Existing', slug: 'existing' })
    const command = await ace.exec('populate:dev-data', ['--if-empty'])
    assert.equal(command.exitCode, 0)
    assert.lengthOf(await Organization.query().where('slug', DEMO_ORGANIZATION.slug), 0)
  })
})

test.group('Ace commands | accounts', (group) => {
  group.each.setup(resetDatabase)

  test('init:groups run twice leaves the same rows', async ({ assert }) => {
    const snapshot = async () => ({
      roles: await db.from('roles').select('name', 'label', 'rank').orderBy('name'),
      permissions: await db.from('permissions').select('name').orderBy('name'),
      grants: await db
        .from('role_permissions')
        .join('roles', 'roles.id', 'role_permissions.role_id')
        .join('permissions', 'permissions.id', 'role_permissions.permission_id')
        .select('roles.name as role', 'permissions.name as permission')
        .orderBy(['roles.name', 'permissions.name']),
    })
    assert.equal((await ace.exec('init:groups', [])).exitCode, 0)
    const first = await snapshot()
    assert.equal((await ace.exec('init:groups', [])).exitCode, 0)
    assert.deepEqual(await snapshot(), first)
    assert.deepEqual(
      first.roles.map((role: { name: string }) => role.name),
      ['admin', 'member', 'owner', 'viewer']
    )
    assert.isAbove(first.grants.length, 10)
  })

  test('create:superuser works in a script, without a terminal', async ({ assert }) => {
    const email = `root.${Date.now()}@example.org`
    const result = await runAce(
      ['create:superuser', '--email', email, '--password-env', 'FIRST_ADMIN_PASSWORD'],
      {
        FIRST_ADMIN_PASSWORD: 'Tangerine-Glacier-Voyage-58',
        DB_CONNECTION: process.env.DB_CONNECTION,
        DATABASE_URL: process.env.DATABASE_URL,
      }
    )
    assert.equal(result.code, 0, result.stderr + result.stdout)
    const user = await User.findByOrFail('email', email)
    assert.isTrue(user.isSuperuser)
    const membership = await Membership.query().where('user_id', user.id).firstOrFail()
    assert.equal(membership.role, 'owner')
  }).timeout(60_000)

  test('create:superuser refuses a weak password with one line and a non-zero exit', async ({
    assert,
  }) => {
    const result = await runAce(
      ['create:superuser', '--email', 'weak@example.org', '--password-env', 'WEAK'],
      {
        WEAK: 'password',
      }
    )
    assert.equal(result.code, 1)
    assert.include(result.stdout + result.stderr, 'create:superuser: Use at least 12 characters.')
    assert.isNull(await User.findBy('email', 'weak@example.org'))
  }).timeout(60_000)
})
