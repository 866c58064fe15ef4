import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * An issue's status history (Jira's changelog, a tracker's transitions):
 * one row per change of status, so issue cycle time and time in each
 * status can be computed. Written whole with the issue by the domain
 * store (upsertIssues with `transitions`), deleted with it.
 */
export default class extends BaseSchema {
  protected tableName = 'issue_status_transitions'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table
        .integer('issue_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('issues')
        .onDelete('CASCADE')
      table.timestamp('transitioned_at').notNullable()
      table.string('from_status', 64).nullable()
      table.string('to_status', 64).notNullable()
      /** the category of the status reached (todo / in_progress / done), when the provider says */
      table.string('to_category', 16).nullable()
      table.index(['organization_id', 'issue_id'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
