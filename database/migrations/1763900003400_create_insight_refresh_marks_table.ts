import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Organisations whose domain rows changed since their rollup was last
 * refreshed ("insights dirty"), set by the domain store on writes
 * outside a sync run (webhooks) and consumed by the insights:refresh
 * schedule or the refresh after a sync (app/services/insights/refresh_marks.ts). dirty_from is the
 * earliest UTC day a written row is bucketed on; version grows with each
 * mark, so a refresh clears only the mark it has seen.
 */
export default class extends BaseSchema {
  protected tableName = 'insight_refresh_marks'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .primary()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table.string('dirty_from', 10).notNullable()
      table.integer('version').notNullable().defaultTo(1)
      table.timestamp('marked_at').notNullable()
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
