import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Facts about lines (docs/ai_code.md), each keeping its source
 * (attestation, git_ai, analyzer, trailer), and the GBOM precomputed
 * per repository from them.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('ai_code_facts', (table) => {
      table.bigIncrements('id').notNullable()
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
      // attestation | git_ai | analyzer | trailer
      table.string('source', 16).notNullable()
      table.string('commit_sha', 64).notNullable()
      table.string('path', 1024).notNullable()
      table.integer('start_line').notNullable()
      table.integer('end_line').notNullable()
      // ai | blended | human
      table.string('origin', 16).notNullable()
      table.string('language', 64).nullable()
      table.float('probability').nullable()
      table.string('agent', 128).nullable()
      table.string('model', 128).nullable()
      // who or what said it: the engine and its version, the developer, the note's session
      table.string('evidence', 255).nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['organization_id', 'repository_id', 'path'])
    })
    this.schema.createTable('ai_code_gboms', (table) => {
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
        .unique()
        .references('id')
        .inTable('repositories')
        .onDelete('CASCADE')
      table.text('document').notNullable()
      table.integer('ai_lines').notNullable().defaultTo(0)
      table.integer('blended_lines').notNullable().defaultTo(0)
      table.integer('human_lines').notNullable().defaultTo(0)
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
    })
  }

  async down() {
    this.schema.dropTable('ai_code_gboms')
    this.schema.dropTable('ai_code_facts')
  }
}
