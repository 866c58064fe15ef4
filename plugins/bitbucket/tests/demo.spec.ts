import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { FencedDomainStore } from '#services/domain/domain_store'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import plugin from '../plugin.js'

/** Bitbucket's share of the demo organisation's history */
test.group('Bitbucket | demo data', (group) => {
  group.each.setup(resetDatabase())

  async function populate(organizationId: number, now: number) {
    const store = new FencedDomainStore({
      organizationId,
      provider: 'bitbucket',
      connectionId: null,
    })
    await plugin.demo({ store, now })
  }

  const count = async (table: string) => {
    const [{ total }] = await db.from(table).where('provider', 'bitbucket').count('* as total')
    return Number(total)
  }

  test('a workspace of repositories, pull requests, AI-assisted commits and Pipelines runs, written once however often it runs', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const now = Date.parse('2026-12-01T12:00:00Z')
    await populate(organization.id, now)
    const first = [
      await count('repositories'),
      await count('pull_requests'),
      await count('commits'),
      await count('deployments'),
    ]
    await populate(organization.id, now)
    const second = [
      await count('repositories'),
      await count('pull_requests'),
      await count('commits'),
      await count('deployments'),
    ]
    assert.deepEqual(second, first)
    assert.equal(first[0], 3)
    assert.equal(first[1], 3 * 24)
    assert.isAbove(first[2], 0)
    assert.equal(first[3], first[2], 'one Pipelines run per merge commit')
    const repository = await db
      .from('repositories')
      .where('provider', 'bitbucket')
      .orderBy('full_name')
      .firstOrFail()
    assert.equal(repository.canonical_key, 'bitbucket.org/acme-rockets/mission-planner')
    const assisted = await db
      .from('commits')
      .where('provider', 'bitbucket')
      .where('ai_assisted', true)
    assert.isAbove(assisted.length, 0)
    const failing = await db
      .from('deployments')
      .where('provider', 'bitbucket')
      .where('status', 'failure')
    assert.isAbove(failing.length, 0)
  })
})
