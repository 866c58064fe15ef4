import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Percentiles computed by the database (ranked_percentiles.ts): for one
 * organisation and metric, `ORDER BY seconds LIMIT 2 OFFSET k` walks this
 * index in order and stops at rank k, instead of every duration of the
 * window being read and sorted in JavaScript. day and repository_id are
 * in the index so the window and a product's repositories are checked
 * without reading the table (a covering index on SQLite, an index-only
 * scan on PostgreSQL once vacuumed).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('insight_durations', (table) => {
      table.index(
        ['organization_id', 'metric', 'seconds', 'day', 'repository_id'],
        'insight_durations_rank_index'
      )
    })
  }

  async down() {
    this.schema.alterTable('insight_durations', (table) => {
      table.dropIndex(
        ['organization_id', 'metric', 'seconds', 'day', 'repository_id'],
        'insight_durations_rank_index'
      )
    })
  }
}
