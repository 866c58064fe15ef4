import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import type Organization from '#models/organization'
import { populateAiCodeDemoData } from '#actions/demo/ai_code_demo_data'
import ListCompositions from '#actions/ai_code/list_compositions'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { createConnection } from '#tests/helpers/connections'

/**
 * The AI Code Monitor's demo data: a realistic mix of sources (analyzer,
 * Git AI notes naming agents and models, attestations that disagree),
 * origins and repositories, GBOMs with file hashes, and a composition over
 * time; running it again changes nothing.
 */
test.group('AI code | demo data', (group) => {
  group.each.setup(resetDatabase())

  test('the demo gives each repository a mix of sources and origins, hashed files and weekly points; again, nothing changes', async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'owner' })
    const organization = account.organization as Organization
    const connection = await createConnection(organization)
    const handle = connectionHandle(connection, pluginRegistry.require(connection.pluginId))
    await handle.store.upsertRepositories([
      { externalId: 'r1', name: 'rockets', fullName: 'acme/rockets' },
      { externalId: 'r2', name: 'fuel', fullName: 'acme/fuel' },
    ])
    const written = await populateAiCodeDemoData(organization.id)
    assert.equal(written.repositories, 2)

    const sources = await db
      .from('ai_code_facts')
      .where('organization_id', organization.id)
      .distinct('source')
    assert.sameMembers(
      sources.map((row) => row.source),
      ['analyzer', 'git_ai', 'attestation']
    )
    const compositions = await new ListCompositions().execute(organization.id)
    assert.lengthOf(compositions.repositories, 2)
    const { lines } = compositions.totals
    assert.isAbove(lines.ai, 0)
    assert.isAbove(lines.blended, 0)
    assert.isAbove(lines.human, 0)
    assert.isAtLeast(compositions.overTime.length, 12)
    assert.isAbove(compositions.byModel.length, 1)
    const hashed = await db
      .from('ai_code_gbom_files')
      .where('organization_id', organization.id)
      .whereNotNull('sha256')
      .count('* as total')
    assert.isAbove(Number(hashed[0].total), 0)
    const disputed = await db
      .from('ai_code_gbom_files')
      .where('organization_id', organization.id)
      .where('disagreements', '>', 0)
      .first()
    assert.exists(disputed)

    const count = async () => Number((await db.from('ai_code_facts').count('* as total'))[0].total)
    const before = await count()
    assert.deepEqual(await populateAiCodeDemoData(organization.id), { repositories: 0, facts: 0 })
    assert.equal(await count(), before)
  })
})
