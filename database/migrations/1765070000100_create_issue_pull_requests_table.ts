import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Issues linked to the pull requests that name them: an issue key (ENG-42)
 * in a pull request's title or branch, from any code provider, links the
 * two, whichever was written first.
 */
export default class extends BaseSchema {
  protected tableName = 'issue_pull_requests'

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
        .integer('issue_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('issues')
        .onDelete('CASCADE')
      table
        .integer('pull_request_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('pull_requests')
        .onDelete('CASCADE')
      table.unique(['issue_id', 'pull_request_id'])
      table.index(['organization_id', 'pull_request_id'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
