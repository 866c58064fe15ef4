import { test } from '@japa/runner'
import ace from '@adonisjs/core/services/ace'
import Organization from '#models/organization'
import { resetDatabase } from '#tests/helpers/database'
import { DEMO_ORGANIZATION } from '#actions/demo/populate_dev_data'
import { runAce } from '#tests/helpers/processes'

test.group('Ace commands', (group) => {
  group.each.setup(resetDatabase)

  test('"node ace list" shows the project commands with descriptions', async ({ assert }) => {
    const result = await runAce(['list'])
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /down\s+Put Sextant in maintenance mode/)
    assert.match(result.stdout, /up\s+Leave maintenance mode/)
    assert.match(result.stdout, /populate:dev-data.*\s+Create the demo organisation/)
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

  test('populate:dev-data --if-empty leaves a database that has data alone', async ({ assert }) => {
    await Organization.create({ name: 'Existing', slug: 'existing' })
    const command = await ace.exec('populate:dev-data', ['--if-empty'])
    assert.equal(command.exitCode, 0)
    assert.lengthOf(await Organization.query().where('slug', DEMO_ORGANIZATION.slug), 0)
  })
})
