import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The daily rollup the insights pages read instead of raw rows: sums and
 * counts per (organisation, repository, UTC day), so a mean over any
 * range is exact (sum of sums / sum of counts). repository_id is null for
 * rows of issues, vulnerabilities and deployments that belong to no
 * repository. Rebuilt by delete-then-insert of a day range per
 * organisation (app/actions/insights/roll_up_metrics.ts). Days are
 * 'YYYY-MM-DD' strings: the same type and ordering on every engine.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('insight_daily_metrics', (table) => {
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
      for (const column of [
        'prs_opened',
        'prs_merged',
        'coding_count',
        'pickup_count',
        'review_count',
        'deploy_count',
        'first_review_count',
        'size_count',
        'deployments',
        'failed_deployments',
        'lead_time_count',
        'restore_count',
        'issues_opened',
        'bugs_opened',
        'commits',
        'ai_commits',
      ]) {
        table.integer(column).notNullable().defaultTo(0)
      }
      for (const column of [
        'coding_seconds',
        'pickup_seconds',
        'review_seconds',
        'deploy_seconds',
        'first_review_seconds',
        'size_lines',
        'lead_time_seconds',
        'restore_seconds',
      ]) {
        table.double(column).notNullable().defaultTo(0)
      }
      table.index(['organization_id', 'day'])
      table.index(['organization_id', 'repository_id', 'day'])
    })

    // Who was active where and when: active contributors over a range is
    // a distinct count, which daily sums cannot give.
    this.schema.createTable('insight_daily_contributors', (table) => {
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
        .notNullable()
        .references('id')
        .inTable('repositories')
        .onDelete('CASCADE')
      table.string('day', 10).notNullable()
      table.string('login', 255).notNullable()
      table.integer('pull_requests').notNullable().defaultTo(0)
      table.integer('commits').notNullable().defaultTo(0)
      table.index(['organization_id', 'day', 'login'])
      table.index(['organization_id', 'repository_id', 'day'])
    })

    // The deploy phase looks up a repository's first successful
    // deployment after each merge.
    this.schema.alterTable('deployments', (table) => {
      table.index(
        ['repository_id', 'status', 'started_at'],
        'deployments_repository_status_started'
      )
    })
  }

  async down() {
    this.schema.alterTable('deployments', (table) => {
      table.dropIndex(
        ['repository_id', 'status', 'started_at'],
        'deployments_repository_status_started'
      )
    })
    this.schema.dropTable('insight_daily_contributors')
    this.schema.dropTable('insight_daily_metrics')
  }
}
