import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The environment names that mean production for the organisation's
 * DORA metrics: lower-case, comma-separated, compared exactly with a
 * deployment's trimmed, lower-cased environment.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('organizations', (table) => {
      table
        .string('production_environments', 1000)
        .notNullable()
        .defaultTo('production,prod,prd,live')
    })
  }

  async down() {
    this.schema.alterTable('organizations', (table) => {
      table.dropColumn('production_environments')
    })
  }
}
