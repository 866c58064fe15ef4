import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Teams imported from a provider (GitHub teams, Azure DevOps teams,
 * Jira / Bitbucket groups): the provider and its id of the team name it,
 * so the next sync updates the same team; the connection that imported
 * it. Memberships the import wrote are marked, so a re-import replaces
 * them and leaves people an admin added by hand (#25).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('teams', (table) => {
      table.string('provider', 40).nullable()
      table.string('external_id', 191).nullable()
      table
        .integer('connection_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('connections')
        .onDelete('SET NULL')
      table.unique(['organization_id', 'provider', 'external_id'])
    })
    this.schema.alterTable('team_members', (table) => {
      table.boolean('imported').notNullable().defaultTo(false)
    })
  }

  async down() {
    this.schema.alterTable('team_members', (table) => {
      table.dropColumn('imported')
    })
    this.schema.alterTable('teams', (table) => {
      table.dropUnique(['organization_id', 'provider', 'external_id'])
      table.dropForeign(['connection_id'])
      table.dropColumn('connection_id')
      table.dropColumn('external_id')
      table.dropColumn('provider')
    })
  }
}
