import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * When a pull request last became ready for review (left draft): time
 * to first review starts there, so draft time is not waiting time.
 * Null for one opened ready (its opening is the start).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('pull_requests', (table) => {
      table.timestamp('ready_for_review_at').nullable()
    })
  }

  async down() {
    this.schema.alterTable('pull_requests', (table) => {
      table.dropColumn('ready_for_review_at')
    })
  }
}
