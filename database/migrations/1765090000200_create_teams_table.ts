import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Teams: named sets of an organisation's people (people merged across
 * providers); a person may be in several teams.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('teams', (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table.string('name', 120).notNullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['organization_id', 'name'])
    })

    this.schema.createTable('team_members', (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table
        .integer('team_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('teams')
        .onDelete('CASCADE')
      table
        .integer('person_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('people')
        .onDelete('CASCADE')
      table.unique(['team_id', 'person_id'])
      table.index(['organization_id', 'person_id'])
    })
  }

  async down() {
    this.schema.dropTable('team_members')
    this.schema.dropTable('teams')
  }
}
