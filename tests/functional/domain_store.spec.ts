import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { FencedDomainStore } from '#services/domain/domain_store'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { createConnection } from '#tests/helpers/connections'

/**
 * The domain store's upserts, on whichever engine the run uses (both are
 * run in CI): a batch naming a row twice keeps its last version, and
 * concurrent batches over the same rows in any order finish (PostgreSQL
 * would deadlock two transactions that lock shared rows in opposite
 * orders; the store writes in key order).
 */
async function storeFor() {
  const organization = await createOrganization()
  const connection = await createConnection(organization)
  const fence = {
    organizationId: organization.id,
    provider: 'fixture',
    connectionId: connection.id,
  }
  return { organization, fence, store: () => new FencedDomainStore(fence, () => {}) }
}

function contributors(count: number, label: string) {
  return Array.from({ length: count }, (_, index) => ({
    externalId: `c-${String(index).padStart(4, '0')}`,
    login: `${label}-${index}`,
  }))
}

test.group('Domain store', (group) => {
  group.each.setup(resetDatabase)

  test('a batch naming a row twice stores it once, as its last version', async ({ assert }) => {
    const { store } = await storeFor()

    const written = await store().upsertContributors([
      { externalId: 'c-1', login: 'first-spelling', name: 'First' },
      { externalId: 'c-2', login: 'other' },
      { externalId: 'c-1', login: 'last-spelling', name: 'Last' },
    ])

    assert.equal(written, 2)
    const rows = await db
      .from('contributors')
      .orderBy('external_id')
      .select('external_id', 'login', 'name')
    assert.deepEqual(rows, [
      { external_id: 'c-1', login: 'last-spelling', name: 'Last' },
      { external_id: 'c-2', login: 'other', name: null },
    ])
  })

  test('a repeated row spanning two statements of one batch still ends as its last version', async ({
    assert,
  }) => {
    const { store } = await storeFor()
    // 150 rows: the duplicate's two versions would fall in different
    // statements of 100 if they were not merged first.
    const rows = contributors(150, 'early')
    rows.push({ externalId: 'c-0000', login: 'late' })

    assert.equal(await store().upsertContributors(rows), 150)
    const row = await db.from('contributors').where('external_id', 'c-0000').firstOrFail()
    assert.equal(row.login, 'late')
  })

  test('an upsert of existing rows updates them in place', async ({ assert }) => {
    const { store } = await storeFor()
    await store().upsertContributors(contributors(3, 'before'))
    const ids = await db.from('contributors').orderBy('external_id').select('id')

    await store().upsertContributors(contributors(3, 'after'))

    const rows = await db.from('contributors').orderBy('external_id').select('id', 'login')
    assert.deepEqual(
      rows.map((row) => row.id),
      ids.map((row) => row.id)
    )
    assert.deepEqual(
      rows.map((row) => row.login),
      ['after-0', 'after-1', 'after-2']
    )
  })

  test('concurrent batches over the same rows in opposite orders all finish', async ({
    assert,
  }) => {
    const { store } = await storeFor()
    const ascending = contributors(250, 'up')
    const descending = contributors(250, 'down').reverse()
    // Several rounds: a deadlock that did not happen once is not ruled out.
    for (let round = 0; round < 8; round++) {
      const outcomes = await Promise.allSettled([
        store().upsertContributors(ascending),
        store().upsertContributors(descending),
        store().upsertContributors([...ascending.slice(125), ...ascending.slice(0, 125)]),
      ])
      const failures = outcomes
        .filter((outcome) => outcome.status === 'rejected')
        .map((outcome) => String((outcome as PromiseRejectedResult).reason).slice(-80))
      assert.deepEqual(failures, [], `round ${round}`)
    }
    const [{ total }] = await db.from('contributors').count('* as total')
    assert.equal(Number(total), 250)
  }).timeout(60_000)
})
