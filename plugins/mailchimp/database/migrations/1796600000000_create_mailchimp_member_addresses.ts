import { BaseSchema } from '#plugin-sdk'

/**
 * The address Mailchimp holds for a person when it is no longer their
 * Sextant email: they changed it in Mailchimp (an `upemail` webhook).
 * Upserts then reach that member instead of creating a second one under
 * the old address. A row goes when the person is deleted, or when their
 * Sextant email changes (Sextant's address then wins, in place).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('mailchimp_member_addresses', (table) => {
      table.increments('id').notNullable()
      table.string('user_public_id', 64).notNullable().unique()
      table.string('email', 254).notNullable().index()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
    })
  }

  async down() {
    this.schema.dropTable('mailchimp_member_addresses')
  }
}
