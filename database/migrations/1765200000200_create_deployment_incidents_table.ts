import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The production deployments incidents name as their cause: an incident
 * linked to a pull request or commit (issue_pull_requests, issue_commits)
 * fails the deployment that shipped that change (incident_causes.ts).
 * Derived rows, rebuilt by each rollup of the organisation, so the rollup
 * and the drill lists read one indexed row per deployment instead of
 * walking links and ancestry per deployment. `issue_id` has no foreign
 * key on purpose: when an incident is deleted its row stays until the
 * next rollup, which sees it go and counts the deployment's day again.
 */
export default class extends BaseSchema {
  protected tableName = 'deployment_incidents'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table
        .integer('deployment_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('deployments')
        .onDelete('CASCADE')
      table.integer('issue_id').unsigned().notNullable()
      table.unique(['deployment_id', 'issue_id'])
      table.index(['issue_id'])
      table.index(['organization_id'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
