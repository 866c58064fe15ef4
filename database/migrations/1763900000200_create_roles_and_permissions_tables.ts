import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Roles and permissions are written by "node ace init:groups" from the
 * definitions in app/services/authorization.ts; the tables let reports and
 * the admin area read them with SQL.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('roles', (table) => {
      table.increments('id').notNullable()
      table.string('name', 40).notNullable().unique()
      table.string('label', 80).notNullable()
      table.string('description', 300).notNullable()
      table.integer('rank').notNullable()
    })
    this.schema.createTable('permissions', (table) => {
      table.increments('id').notNullable()
      table.string('name', 80).notNullable().unique()
      table.string('description', 300).notNullable()
    })
    this.schema.createTable('role_permissions', (table) => {
      table
        .integer('role_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('roles')
        .onDelete('CASCADE')
      table
        .integer('permission_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('permissions')
        .onDelete('CASCADE')
      table.primary(['role_id', 'permission_id'])
    })
  }

  async down() {
    this.schema.dropTable('role_permissions')
    this.schema.dropTable('permissions')
    this.schema.dropTable('roles')
  }
}
