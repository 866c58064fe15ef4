import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Whether the insights show figures per person (the active
 * contributors' list, the most active contributors of a product, lists
 * narrowed to one person). Off by default: many teams do not want
 * leaderboards (#25).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('organizations', (table) => {
      table.boolean('per_person_figures').notNullable().defaultTo(false)
    })
  }

  async down() {
    this.schema.alterTable('organizations', (table) => {
      table.dropColumn('per_person_figures')
    })
  }
}
