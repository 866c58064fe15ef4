import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Open sign-up (SIGNUP_MODE=open) starts with an emailed link, so the
 * form never tells whether an address already has an account.
 */
export default class extends BaseSchema {
  protected tableName = 'signup_requests'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id').notNullable()
      table.string('email', 254).notNullable()
      table.string('token_hash', 64).notNullable().unique()
      table.timestamp('expires_at').notNullable()
      table.timestamp('used_at').nullable()
      table.timestamp('created_at').notNullable()
      table.index(['email'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
