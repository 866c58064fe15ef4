import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Passkeys (WebAuthn) are second factors like TOTP; they keep a public
 * key instead of a shared secret, plus the signature counter.
 */
export default class extends BaseSchema {
  protected tableName = 'mfa_factors'

  async up() {
    this.schema.alterTable(this.tableName, (table) => {
      table.string('credential_id', 512).nullable().unique()
      table.text('public_key').nullable()
      table.bigInteger('sign_count').nullable()
      table.string('transports', 200).nullable()
    })
  }

  async down() {
    this.schema.alterTable(this.tableName, (table) => {
      table.dropUnique(['credential_id'])
      table.dropColumn('credential_id')
      table.dropColumn('public_key')
      table.dropColumn('sign_count')
      table.dropColumn('transports')
    })
  }
}
