import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The organisation's AI-code policy (docs/ai_code.md), evaluated on every
 * pull request of any code host and posted through the core's status
 * checks; and the commits a pull request carries, as its code host named
 * them, so the policy reads their AI marks from the core's commits.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('ai_code_policies', (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .unique()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table.boolean('enabled').notNullable().defaultTo(false)
      table.integer('max_ai_share_percent').nullable()
      table.integer('max_changed_lines').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
    })
    this.schema.alterTable('pull_requests', (table) => {
      // a JSON array of commit SHAs; null when the code host did not say
      table.text('commit_shas').nullable()
    })
  }

  async down() {
    this.schema.alterTable('pull_requests', (table) => {
      table.dropColumn('commit_shas')
    })
    this.schema.dropTable('ai_code_policies')
  }
}
