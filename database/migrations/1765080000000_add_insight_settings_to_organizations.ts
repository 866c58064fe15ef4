import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The organisation's insight settings: the IANA time zone its days,
 * weeks and presets follow (UTC by default).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('organizations', (table) => {
      table.string('time_zone', 64).notNullable().defaultTo('UTC')
    })
  }

  async down() {
    this.schema.alterTable('organizations', (table) => {
      table.dropColumn('time_zone')
    })
  }
}
