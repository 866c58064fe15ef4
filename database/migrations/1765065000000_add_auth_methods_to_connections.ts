import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Plugins may offer several ways to connect: a connection remembers the
 * method it was made with (null: the plugin's only, or first, method).
 * Connections made from one OAuth grant (several Jira sites, several
 * Bitbucket workspaces) share a grant key: a refresh under the grant's
 * lock writes the new tokens to all of them, so a single-use refresh
 * token is spent once. Between the provider's answer and the user's
 * choice of accounts, the sealed tokens wait in oauth_account_choices.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('connections', (table) => {
      table.string('auth_method', 64).nullable()
      table.string('oauth_grant', 64).nullable().index('connections_oauth_grant_index')
    })
    this.schema.createTable('oauth_account_choices', (table) => {
      table.increments('id')
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table.string('plugin_id', 64).notNullable()
      table.string('auth_method', 64).notNullable()
      /** the token set, sealed and bound to this row */
      table.text('credentials').nullable()
      /** the accounts resolveAccounts returned, as JSON */
      table.text('accounts').notNullable()
      table.timestamp('expires_at').notNullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
    })
  }

  async down() {
    this.schema.dropTable('oauth_account_choices')
    this.schema.alterTable('connections', (table) => {
      table.dropIndex(['oauth_grant'], 'connections_oauth_grant_index')
      table.dropColumn('oauth_grant')
      table.dropColumn('auth_method')
    })
  }
}
