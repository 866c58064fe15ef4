import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The daily rollup is refreshed from a day onwards after each sync: each
 * of its branches reads one organisation's events in a [from, to) range
 * of their own moment. Pull requests opened and first reviewed, and
 * issues opened, had no index on those moments, so every refresh read
 * all of the organisation's rows; with these the range is searched
 * (EXPLAIN before and after in docs/performance.md).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('pull_requests', (table) => {
      table.index(['organization_id', 'opened_at'], 'pull_requests_org_opened_index')
      table.index(['organization_id', 'first_review_at'], 'pull_requests_org_first_review_index')
    })
    this.schema.alterTable('issues', (table) => {
      table.index(['organization_id', 'opened_at'], 'issues_org_opened_index')
    })
  }

  async down() {
    this.schema.alterTable('issues', (table) => {
      table.dropIndex(['organization_id', 'opened_at'], 'issues_org_opened_index')
    })
    this.schema.alterTable('pull_requests', (table) => {
      table.dropIndex(
        ['organization_id', 'first_review_at'],
        'pull_requests_org_first_review_index'
      )
      table.dropIndex(['organization_id', 'opened_at'], 'pull_requests_org_opened_index')
    })
  }
}
