import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Whether bot-authored pull requests (dependabot[bot], renovate[bot],
 * agent bots) count in the organisation's flow metrics. Off by default:
 * cycle time, first review, PR size and throughput measure people's work.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('organizations', (table) => {
      table.boolean('include_bot_pull_requests').notNullable().defaultTo(false)
    })
  }

  async down() {
    this.schema.alterTable('organizations', (table) => {
      table.dropColumn('include_bot_pull_requests')
    })
  }
}
