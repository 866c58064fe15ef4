import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { engine, selectRows } from '#services/insights/dialect'
import { hasCommitAncestry } from '#services/insights/rollup_sql'

/**
 * The rollup asks "does this repository have commit ancestry?" once per
 * merged pull request and per commit. Answered from the partial index of
 * commits with parents, it is one index seek; answered from the
 * (organization_id, repository_id) index it read every commit of a
 * repository without ancestry (37 s of a 100,000-pull-request rollup,
 * docs/performance.md). The plan is the guarantee; the timing is the
 * benchmark's.
 */
test.group('Insights rollup | query plans', () => {
  test('the commit-ancestry check is answered from the partial index of commits with parents', async ({
    assert,
  }) => {
    const sql = `SELECT p.id FROM pull_requests p WHERE p.organization_id = ? AND ${hasCommitAncestry('p')}`
    if (engine() === 'postgres') {
      // an empty table is scanned whatever the indexes: ask for the index plan
      await db.transaction(async (trx) => {
        await trx.rawQuery('SET LOCAL enable_seqscan = off')
        const plan = selectRows<Record<string, string>>(
          await trx.rawQuery(`EXPLAIN ${sql}`, [1])
        ).map((row) => row['QUERY PLAN'])
        assert.match(plan.join('\n'), /commits_org_repository_ancestry_index/)
      })
      return
    }
    const plan = selectRows<{ detail: string }>(
      await db.rawQuery(`EXPLAIN QUERY PLAN ${sql}`, [1])
    ).map((row) => row.detail)
    assert.include(
      plan.find((detail) => / ca /.test(detail)),
      'USING INDEX commits_org_repository_ancestry_index'
    )
  })
})
