import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Installation-scoped connections: a connection may belong to the
 * installation (the operator's own Mailchimp account, set up by a
 * superuser in the admin area) instead of an organisation. Such a row has
 * no organisation; one per plugin and account, which a partial unique
 * index enforces (NULLs never collide in the organisation one).
 *
 * Marketing consent: a person opts in to product emails with an
 * unchecked box, stored with the moment and the wording shown; withdrawn
 * consent (from Sextant or from the marketing provider) keeps the moment
 * it was withdrawn, so nobody is subscribed again without a new opt-in.
 *
 * Transactions are off: SQLite rebuilds a table to make a column
 * nullable, and can only switch its foreign-key checks off (so the
 * rebuild does not cascade into the child rows) outside a transaction.
 */
export default class extends BaseSchema {
  static disableTransactions = true

  async up() {
    this.schema.alterTable('connections', (table) => {
      table.integer('organization_id').unsigned().nullable().alter()
    })
    this.schema.alterTable('sync_runs', (table) => {
      table.integer('organization_id').unsigned().nullable().alter()
    })
    this.schema.raw(
      'CREATE UNIQUE INDEX connections_installation_account_unique ON connections (plugin_id, account_key) WHERE organization_id IS NULL'
    )
    this.schema.alterTable('users', (table) => {
      table.timestamp('marketing_consent_at').nullable()
      table.text('marketing_consent_text').nullable()
      table.timestamp('marketing_consent_withdrawn_at').nullable()
      table.string('marketing_consent_withdrawn_by', 32).nullable()
    })
  }

  async down() {
    this.schema.alterTable('users', (table) => {
      table.dropColumn('marketing_consent_withdrawn_by')
      table.dropColumn('marketing_consent_withdrawn_at')
      table.dropColumn('marketing_consent_text')
      table.dropColumn('marketing_consent_at')
    })
    this.schema.raw('DROP INDEX connections_installation_account_unique')
    this.defer(async (client) => {
      await client.from('sync_runs').whereNull('organization_id').delete()
      await client.from('connections').whereNull('organization_id').delete()
    })
    this.schema.alterTable('sync_runs', (table) => {
      table.integer('organization_id').unsigned().notNullable().alter()
    })
    this.schema.alterTable('connections', (table) => {
      table.integer('organization_id').unsigned().notNullable().alter()
    })
  }
}
