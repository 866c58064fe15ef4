import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Compliance evidence has a lifecycle (issue 14): a document citing a
 * control is *submitted* until a member allowed to review compliance
 * evidence accepts it (until an expiry) or rejects it (with a reason).
 * Only accepted, unexpired evidence meets a control.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('document_control_links', (table) => {
      table.string('review_status', 16).notNullable().defaultTo('submitted')
      table
        .integer('reviewed_by_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('users')
        .onDelete('SET NULL')
      table.timestamp('reviewed_at').nullable()
      table.string('review_reason', 1000).nullable()
      table.timestamp('expires_at').nullable()
    })
  }

  async down() {
    this.schema.alterTable('document_control_links', (table) => {
      table.dropForeign(['reviewed_by_id'])
      table.dropColumn('review_status')
      table.dropColumn('reviewed_by_id')
      table.dropColumn('reviewed_at')
      table.dropColumn('review_reason')
      table.dropColumn('expires_at')
    })
  }
}
