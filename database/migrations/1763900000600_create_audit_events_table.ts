import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  protected tableName = 'audit_events'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('organizations')
        .onDelete('SET NULL')
      table
        .integer('actor_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('users')
        .onDelete('SET NULL')
      table.string('event', 60).notNullable()
      // What the event was about, in words safe to show (an email, a role).
      table.string('subject', 300).nullable()
      table.string('ip', 45).nullable()
      table.string('user_agent', 300).nullable()
      table.text('metadata').nullable()
      table.timestamp('created_at').notNullable()
      table.index(['organization_id', 'created_at'])
      table.index(['event', 'created_at'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
