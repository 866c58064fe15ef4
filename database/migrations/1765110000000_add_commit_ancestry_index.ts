import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * "Does this repository have commit ancestry?" (`hasCommitAncestry` in
 * rollup_sql.ts: a commit whose parents are known) is asked per merged
 * pull request by the rollup's lead-time branch and per deployed commit.
 * Without this index a repository with no such commit had all its
 * commits read each time: 87,000 pull requests × 350 commits, 37 s of a
 * whole-history rollup. The partial index holds only commits with
 * parents, so the question is one index probe either way (SQLite and
 * PostgreSQL both use a partial index whose condition the query repeats).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(
      'CREATE INDEX commits_org_repository_ancestry_index ON commits (organization_id, repository_id) WHERE parent_shas IS NOT NULL'
    )
  }

  async down() {
    this.schema.raw('DROP INDEX commits_org_repository_ancestry_index')
  }
}
