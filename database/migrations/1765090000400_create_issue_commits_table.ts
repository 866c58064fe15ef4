import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Issues linked to the commits that name them: an issue key (ENG-42) in a
 * commit's message, from any code provider, links the two, whichever was
 * written first (issue_commit_links.ts).
 */
export default class extends BaseSchema {
  protected tableName = 'issue_commits'

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
        .integer('commit_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('commits')
        .onDelete('CASCADE')
      table.unique(['issue_id', 'commit_id'])
      table.index(['organization_id', 'commit_id'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
