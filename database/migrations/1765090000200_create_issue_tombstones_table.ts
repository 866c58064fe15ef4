import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Issues a provider deleted, remembered by external id with the moment of
 * the deletion (milliseconds since the epoch, as providers stamp events):
 * a write of the issue that the provider made before that moment (a late
 * webhook delivery, a search answered before the deletion) is ignored.
 */
export default class extends BaseSchema {
  protected tableName = 'issue_tombstones'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table.string('provider', 64).notNullable()
      table.string('external_id', 255).notNullable()
      table.bigInteger('deleted_at_ms').notNullable()
      table.unique(['organization_id', 'provider', 'external_id'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
