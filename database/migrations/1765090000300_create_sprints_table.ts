import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Sprints as agile trackers plan them (Jira Software's boards): name,
 * state, goal, dates and the board they belong to, so sprint-based
 * insights can compare what a sprint planned with what it finished.
 * Issues name their sprint (issues.sprint) by name.
 */
export default class extends BaseSchema {
  protected tableName = 'sprints'

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
      table
        .integer('connection_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('connections')
        .onDelete('SET NULL')
      table.string('external_id', 191).notNullable()
      table.string('name', 255).notNullable()
      // future, active or closed
      table.string('state', 16).notNullable()
      table.text('goal').nullable()
      table.string('board_external_id', 255).nullable()
      table.string('board_name', 255).nullable()
      table.timestamp('start_at').nullable()
      table.timestamp('end_at').nullable()
      table.timestamp('completed_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['organization_id', 'provider', 'external_id'])
      table.index(['organization_id', 'name'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
