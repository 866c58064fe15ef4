import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  protected tableName = 'memberships'

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
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table.string('role', 40).notNullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.unique(['organization_id', 'user_id'])
      table.index(['user_id'])
    })
    this.schema.alterTable('organizations', (table) => {
      table.boolean('mfa_required').notNullable().defaultTo(true)
    })
  }

  async down() {
    this.schema.alterTable('organizations', (table) => {
      table.dropColumn('mfa_required')
    })
    this.schema.dropTable(this.tableName)
  }
}
