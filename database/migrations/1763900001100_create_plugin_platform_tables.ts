import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * What every provider plugin shares: connections (one table for all
 * plugins, credentials sealed), sync cursors and runs, the conditional
 * request cache, webhook deliveries and scheduled-job runs.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('connections', (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table.string('plugin_id', 64).notNullable()
      // The provider-side account this connection reaches (a GitHub App
      // installation, a Jira site); "default" when a plugin has one per org.
      table.string('account_key', 191).notNullable().defaultTo('default')
      table.string('display_name', 191).nullable()
      table.string('status', 16).notNullable().defaultTo('active')
      table.text('credentials').nullable()
      table.text('config').nullable()
      table.string('base_url', 512).nullable()
      table
        .integer('created_by_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('users')
        .onDelete('SET NULL')
      table.timestamp('last_sync_at').nullable()
      table.string('last_sync_status', 16).nullable()
      table.text('last_error').nullable()
      table.timestamp('last_error_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['organization_id', 'plugin_id', 'account_key'])
      table.index(['plugin_id', 'account_key'])
    })

    this.schema.createTable('sync_cursors', (table) => {
      table.increments('id').notNullable()
      table
        .integer('connection_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('connections')
        .onDelete('CASCADE')
      table.string('task', 64).notNullable()
      table.string('scope', 255).notNullable()
      table.text('value').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['connection_id', 'task', 'scope'])
    })

    this.schema.createTable('sync_runs', (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table
        .integer('connection_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('connections')
        .onDelete('CASCADE')
      table.string('plugin_id', 64).notNullable()
      table.string('task', 64).notNullable()
      table.string('trigger', 16).notNullable()
      table.boolean('full').notNullable().defaultTo(false)
      table.string('status', 16).notNullable()
      table.integer('items_written').notNullable().defaultTo(0)
      table.integer('requests_made').notNullable().defaultTo(0)
      table.integer('not_modified').notNullable().defaultTo(0)
      table.integer('retries').notNullable().defaultTo(0)
      table.integer('rate_limit_remaining').nullable()
      table.integer('rate_limit_limit').nullable()
      table.timestamp('rate_limit_reset_at').nullable()
      table.integer('progress_done').notNullable().defaultTo(0)
      table.integer('progress_total').nullable()
      table.string('progress_label', 255).nullable()
      table.text('error').nullable()
      table.timestamp('started_at').notNullable()
      table.timestamp('heartbeat_at').notNullable()
      table.timestamp('finished_at').nullable()
      table.integer('duration_ms').nullable()
      table.index(['connection_id', 'started_at'])
      table.index(['organization_id', 'started_at'])
    })

    this.schema.createTable('http_cache', (table) => {
      table.increments('id').notNullable()
      // sha256 of (credential fingerprint, method, URL): a response cached
      // under one token is never replayed for another.
      table.string('cache_key', 64).notNullable().unique()
      table
        .integer('connection_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('connections')
        .onDelete('CASCADE')
      table.string('etag', 512).nullable()
      table.string('last_modified', 64).nullable()
      table.integer('status').notNullable()
      table.text('headers').notNullable()
      table.text('body', 'longtext').notNullable()
      table.timestamp('stored_at').notNullable()
    })

    this.schema.createTable('webhook_deliveries', (table) => {
      table.increments('id').notNullable()
      table.string('plugin_id', 64).notNullable()
      table.string('delivery_id', 191).notNullable()
      table.string('event', 128).notNullable()
      table.string('action', 128).nullable()
      table
        .integer('organization_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table
        .integer('connection_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('connections')
        .onDelete('SET NULL')
      table.text('headers').notNullable()
      table.text('payload', 'longtext').notNullable()
      table.string('status', 16).notNullable()
      table.integer('attempts').notNullable().defaultTo(0)
      table.text('last_error').nullable()
      table.timestamp('received_at').notNullable()
      table.timestamp('processed_at').nullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['plugin_id', 'delivery_id'])
      table.index(['status', 'received_at'])
    })

    this.schema.createTable('schedule_runs', (table) => {
      table.increments('id').notNullable()
      table.string('schedule', 128).notNullable()
      // The minute the cron fired for, or the instant of a manual run:
      // unique per schedule, so several schedulers fire each tick once.
      table.string('tick', 32).notNullable()
      table.string('trigger', 16).notNullable()
      table.string('status', 16).notNullable()
      table.string('host', 255).nullable()
      table.text('output').nullable()
      table.text('error').nullable()
      table.timestamp('started_at').notNullable()
      table.timestamp('finished_at').nullable()
      table.integer('duration_ms').nullable()
      table.unique(['schedule', 'tick'])
      table.index(['schedule', 'started_at'])
    })
  }

  async down() {
    this.schema.dropTable('schedule_runs')
    this.schema.dropTable('webhook_deliveries')
    this.schema.dropTable('http_cache')
    this.schema.dropTable('sync_runs')
    this.schema.dropTable('sync_cursors')
    this.schema.dropTable('connections')
  }
}
