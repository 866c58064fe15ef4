import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Plugin lifecycle hooks and core events, run as queued jobs: one row per
 * run (onConnected, onDisconnecting, an event a plugin subscribes to) with
 * its state, so the connection page shows a failing hook and offers Retry.
 *
 * Connections also gain a sealed webhook token: providers that cannot sign
 * their deliveries post to a per-connection URL carrying it.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('plugin_hook_runs', (table) => {
      table.increments('id').notNullable()
      table.string('plugin_id', 64).notNullable()
      // 'connected', 'disconnecting' or 'event'
      table.string('hook', 32).notNullable()
      // the core event's name for hook 'event' (user.created, membership.changed…)
      table.string('event', 64).nullable()
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
      // the event's payload (JSON), cleared once delivered: it may name a person
      table.text('payload').nullable()
      // pending → running → succeeded | failed | skipped
      table.string('status', 16).notNullable()
      table.integer('attempts').notNullable().defaultTo(0)
      table.text('last_error').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.timestamp('finished_at').nullable()
      table.index(['connection_id', 'hook'])
      table.index(['status', 'created_at'])
    })

    this.schema.alterTable('connections', (table) => {
      table.text('webhook_token').nullable()
    })
  }

  async down() {
    this.schema.alterTable('connections', (table) => {
      table.dropColumn('webhook_token')
    })
    this.schema.dropTable('plugin_hook_runs')
  }
}
