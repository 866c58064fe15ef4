import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A counter moved by every invalidation of an organisation's insights
 * (rollup, refresh, scores, products, agreements, reference data). It is
 * read with the organisation on every signed-in request (the session
 * user's one statement), so a web process can keep a page's view model in
 * memory under the generation and still never serve it after a change,
 * whichever process made the change.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('organizations', (table) => {
      table.integer('insights_generation').notNullable().defaultTo(0)
    })
  }

  async down() {
    this.schema.alterTable('organizations', (table) => {
      table.dropColumn('insights_generation')
    })
  }
}
