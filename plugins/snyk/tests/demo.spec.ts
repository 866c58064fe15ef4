import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import PopulateDevData from '#actions/demo/populate_dev_data'
import { resetDatabase } from '#tests/helpers/database'

test.group('Snyk | demo data', (group) => {
  group.each.setup(resetDatabase())

  test('the demo organisation gets Snyk findings attached to its GitHub repositories, the same rows on every run', async ({
    assert,
  }) => {
    const { organization } = await new PopulateDevData().execute()
    assert.isNotNull(organization)
    const rows = await db
      .from('vulnerabilities')
      .where('organization_id', organization!.id)
      .where('provider', 'snyk')
    assert.lengthOf(rows, 60)
    assert.isTrue(rows.every((row) => row.repository_id !== null))
    assert.includeMembers([...new Set(rows.map((row) => row.status))].sort(), [
      'fixed',
      'ignored',
      'open',
    ])
    assert.isTrue(rows.some((row) => row.severity === 'critical' && row.status === 'open'))

    await new PopulateDevData().execute()
    const again = await db
      .from('vulnerabilities')
      .where('organization_id', organization!.id)
      .where('provider', 'snyk')
    assert.lengthOf(again, 60)
  }).timeout(120_000)
})
