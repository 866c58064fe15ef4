import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Whether a person agreed to hear from the operator (product news):
 * changed on their profile page, and told to plugins (a Mailchimp
 * audience) through the user.updated core event. Off until they opt in.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('users', (table) => {
      table.boolean('marketing_consent').notNullable().defaultTo(false)
    })
  }

  async down() {
    this.schema.alterTable('users', (table) => {
      table.dropColumn('marketing_consent')
    })
  }
}
