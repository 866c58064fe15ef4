import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The GBOM's files (docs/ai_code.md): one row per file of a repository's
 * latest GBOM, with its composition, its hash and its CycloneDX component,
 * written in batches by the rebuild so a repository of any size is
 * rebuilt in bounded memory; the download streams them. Facts may carry
 * the file's SHA-256 (from the analyzer's output).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('ai_code_gbom_files', (table) => {
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
      // the file's position in the document (path order of the rebuild)
      table.integer('position').notNullable()
      table.string('path', 1024).notNullable()
      // the folder holding it, "" at the root (the file tree lists a folder at a time)
      table.string('folder', 1024).notNullable()
      table.string('language', 64).nullable()
      table.integer('ai_lines').notNullable().defaultTo(0)
      table.integer('blended_lines').notNullable().defaultTo(0)
      table.integer('human_lines').notNullable().defaultTo(0)
      table.integer('disagreements').notNullable().defaultTo(0)
      table.string('sha256', 64).nullable()
      // the file's CycloneDX component, as it appears in the document
      table.text('component').notNullable()
      table.timestamp('created_at').notNullable()
      table.index(['repository_id', 'position'])
      table.index(['repository_id', 'folder'])
    })
    this.schema.alterTable('ai_code_facts', (table) => {
      table.string('file_sha256', 64).nullable()
    })
  }

  async down() {
    this.schema.alterTable('ai_code_facts', (table) => {
      table.dropColumn('file_sha256')
    })
    this.schema.dropTable('ai_code_gbom_files')
  }
}
