import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  protected tableName = 'users'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id').notNullable()
      table.string('email', 254).notNullable().unique()
      table.string('full_name', 120).nullable()
      table.string('password').notNullable()
      table.boolean('is_superuser').notNullable().defaultTo(false)
      table.timestamp('locked_at').nullable()
      table.timestamp('password_changed_at').nullable()
      table.timestamp('last_sign_in_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
