import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Attestations (docs/ai_code.md) are facts of source "attestation" that
 * a developer made on a chunk of a pull request: which pull request, and
 * who. The policy can require every AI or blended chunk to be attested.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('ai_code_facts', (table) => {
      table
        .integer('pull_request_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('pull_requests')
        .onDelete('CASCADE')
      table
        .integer('attested_by_user_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('users')
        .onDelete('SET NULL')
      table.index(['organization_id', 'source', 'pull_request_id'])
    })
    this.schema.alterTable('ai_code_policies', (table) => {
      table.boolean('require_attestation').notNullable().defaultTo(false)
    })
  }

  async down() {
    this.schema.alterTable('ai_code_policies', (table) => {
      table.dropColumn('require_attestation')
    })
    this.schema.alterTable('ai_code_facts', (table) => {
      table.dropIndex(['organization_id', 'source', 'pull_request_id'])
      table.dropForeign(['attested_by_user_id'])
      table.dropForeign(['pull_request_id'])
      table.dropColumn('attested_by_user_id')
      table.dropColumn('pull_request_id')
    })
  }
}
