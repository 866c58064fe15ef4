import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Cycle time over one set of pull requests (issue 28): the rollup sums
 * each merged pull request's first-commit-to-deployment time, and, for
 * repositories that never deploy to production, its first-commit-to-merge
 * time apart ("to merge"). insight_durations keeps one row per measured
 * duration (a pull request's cycle, a deployment's restore, …), bucketed
 * on the same day as the daily sums, so medians and percentiles over any
 * range are exact: means come from the sums, percentiles from these rows.
 * score_points.missing names what an incomplete score lacks.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('insight_daily_metrics', (table) => {
      table.integer('cycle_count').notNullable().defaultTo(0)
      table.double('cycle_seconds').notNullable().defaultTo(0)
      table.integer('merge_cycle_count').notNullable().defaultTo(0)
      table.double('merge_cycle_seconds').notNullable().defaultTo(0)
    })
    this.schema.createTable('insight_durations', (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table
        .integer('repository_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('repositories')
        .onDelete('CASCADE')
      table.string('day', 10).notNullable()
      table.string('metric', 32).notNullable()
      table.double('seconds').notNullable()
      table.index(['organization_id', 'metric', 'day'])
      table.index(['organization_id', 'repository_id', 'day'])
    })
    // what a score could not be computed from ("no deployments"): an
    // incomplete score is shown as such, never as a number
    this.schema.alterTable('score_points', (table) => {
      table.string('missing', 500).nullable()
    })
  }

  async down() {
    this.schema.alterTable('score_points', (table) => {
      table.dropColumn('missing')
    })
    this.schema.dropTable('insight_durations')
    this.schema.alterTable('insight_daily_metrics', (table) => {
      table.dropColumn('cycle_count')
      table.dropColumn('cycle_seconds')
      table.dropColumn('merge_cycle_count')
      table.dropColumn('merge_cycle_seconds')
    })
  }
}
