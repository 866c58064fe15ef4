import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The composition over time (docs/ai_code.md): one point per repository
 * and UTC day, the lines of its latest GBOM that day; and the GBOM's
 * breakdown by model and language, for the AI Code Monitor.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('ai_code_composition_points', (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table
        .integer('repository_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('repositories')
        .onDelete('CASCADE')
      // YYYY-MM-DD, UTC
      table.string('day', 10).notNullable()
      table.integer('ai_lines').notNullable().defaultTo(0)
      table.integer('blended_lines').notNullable().defaultTo(0)
      table.integer('human_lines').notNullable().defaultTo(0)
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['repository_id', 'day'])
      table.index(['organization_id', 'day'])
    })
    this.schema.alterTable('ai_code_gboms', (table) => {
      // JSON: { byModel: { model: lines }, byLanguage: { language: { ai, blended, human } } }
      table.text('breakdown').nullable()
    })
  }

  async down() {
    this.schema.alterTable('ai_code_gboms', (table) => {
      table.dropColumn('breakdown')
    })
    this.schema.dropTable('ai_code_composition_points')
  }
}
