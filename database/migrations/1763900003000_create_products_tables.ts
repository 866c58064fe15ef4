import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Products group an organisation's repositories; a repository may belong
 * to several products.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('products', (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table.string('name', 120).notNullable()
      table.string('description', 1000).nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['organization_id', 'name'])
    })

    this.schema.createTable('product_repositories', (table) => {
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
      table
        .integer('repository_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('repositories')
        .onDelete('CASCADE')
      table.unique(['product_id', 'repository_id'])
      table.index(['organization_id', 'repository_id'])
    })
  }

  async down() {
    this.schema.dropTable('product_repositories')
    this.schema.dropTable('products')
  }
}
