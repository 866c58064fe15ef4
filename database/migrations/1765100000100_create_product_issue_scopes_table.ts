import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Products made of issue-tracker projects (Jira's ENG) or of one
 * component of a project (ENG's "Billing"), beside their repositories:
 * Product Detail shows the issues of its projects and components.
 * `component` is '' for the whole project; `component_like` is the LIKE
 * pattern (escape character `!`) finding the component in an issue's
 * JSON list of components, kept so a query needs no string building.
 */
export default class extends BaseSchema {
  protected tableName = 'product_issue_scopes'

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
        .integer('product_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('products')
        .onDelete('CASCADE')
      table.string('project_key', 64).notNullable()
      table.string('component', 255).notNullable().defaultTo('')
      table.string('component_like', 1024).notNullable().defaultTo('')
      table.unique(['product_id', 'project_key', 'component'])
      table.index(['organization_id', 'product_id'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
