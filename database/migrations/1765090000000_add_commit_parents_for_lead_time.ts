import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Lead time for changes per commit (DORA, issue 28 item 3): a commit's
 * lead time runs to the first successful production deployment whose
 * SHA has it as an ancestor, so commits keep their parents (JSON list of
 * SHAs, as the code host gives them; null when the host did not say).
 * insight_daily_metrics.lead_time_pr_count counts the lead times that
 * fell back to per pull request (repositories without commit ancestry),
 * so a page can say how a figure was measured.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('commits', (table) => {
      table.text('parent_shas').nullable()
    })
    this.schema.alterTable('insight_daily_metrics', (table) => {
      table.integer('lead_time_pr_count').notNullable().defaultTo(0)
    })
  }

  async down() {
    this.schema.alterTable('insight_daily_metrics', (table) => {
      table.dropColumn('lead_time_pr_count')
    })
    this.schema.alterTable('commits', (table) => {
      table.dropColumn('parent_shas')
    })
  }
}
