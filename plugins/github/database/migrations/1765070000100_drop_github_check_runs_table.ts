import { BaseSchema } from '#plugin-sdk'

/**
 * The "Sextant" check's outcomes are kept by the core now
 * (status_check_posts, for every provider's status checks); GitHub's own
 * table goes.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.dropTableIfExists('github_check_runs')
  }

  async down() {
    this.schema.createTable('github_check_runs', (table) => {
      table.increments('id').notNullable()
      table.string('connection_public_id', 64).notNullable()
      table.string('repository_full_name', 512).notNullable()
      table.integer('pull_number').notNullable()
      table.string('head_sha', 64).notNullable()
      table.bigInteger('check_run_id').nullable()
      table.string('status', 16).notNullable()
      table.string('conclusion', 32).nullable()
      table.integer('attempts').notNullable().defaultTo(0)
      table.text('last_error').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['connection_public_id', 'repository_full_name', 'head_sha'])
      table.index(['connection_public_id', 'updated_at'])
    })
  }
}
