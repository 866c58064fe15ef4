import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Status checks posted on pull requests through the provider hosting
 * them (docs/plugins.md, "Status checks"): one row per pull request and
 * report key, so a retry, or the next state of the same check, updates
 * the same status on the provider (its id is kept in external_id).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('status_check_posts', (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table
        .integer('pull_request_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('pull_requests')
        .onDelete('CASCADE')
      // the connection it was posted through (kept when it goes away)
      table
        .integer('connection_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('connections')
        .onDelete('SET NULL')
      table.string('report_key', 128).notNullable()
      table.string('name', 255).notNullable()
      // the commit the status is on: a new head gets a new status
      table.string('head_sha', 64).notNullable()
      // the report's state: pending, success, failure, error
      table.string('state', 16).notNullable()
      table.string('title', 255).notNullable()
      // the whole report (JSON), for a retry
      table.text('report').notNullable()
      // pending → posted | failed
      table.string('status', 16).notNullable()
      table.string('external_id', 191).nullable()
      table.string('url', 1024).nullable()
      table.text('last_error').nullable()
      table.integer('attempts').notNullable().defaultTo(0)
      table.timestamp('posted_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['pull_request_id', 'report_key'])
      table.index(['organization_id', 'connection_id', 'updated_at'])
    })
  }

  async down() {
    this.schema.dropTable('status_check_posts')
  }
}
