import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Everything that proves who a user is besides the password column:
 * old password hashes (reuse check), second factors, recovery codes,
 * password reset tokens and personal access tokens.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('password_histories', (table) => {
      table.increments('id').notNullable()
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table.string('password_hash').notNullable()
      table.timestamp('created_at').notNullable()
      table.index(['user_id', 'created_at'])
    })

    this.schema.createTable('mfa_factors', (table) => {
      table.increments('id').notNullable()
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table.string('kind', 20).notNullable()
      table.string('label', 80).notNullable()
      // Sealed with the secrets key and bound to this row (SecretBox).
      table.text('secret').nullable()
      // Last accepted TOTP time step: codes of that step or older are refused.
      table.bigInteger('last_used_step').nullable()
      table.timestamp('confirmed_at').nullable()
      table.timestamp('last_used_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.index(['user_id'])
    })

    this.schema.createTable('recovery_codes', (table) => {
      table.increments('id').notNullable()
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table.string('code_hash', 64).notNullable()
      table.timestamp('used_at').nullable()
      table.timestamp('created_at').notNullable()
      table.index(['user_id'])
    })

    this.schema.createTable('password_resets', (table) => {
      table.increments('id').notNullable()
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table.string('token_hash', 64).notNullable().unique()
      table.timestamp('expires_at').notNullable()
      table.timestamp('used_at').nullable()
      table.timestamp('created_at').notNullable()
    })

    this.schema.createTable('auth_access_tokens', (table) => {
      table.increments('id').notNullable()
      table
        .integer('tokenable_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table.string('type').notNullable()
      table.string('name').nullable()
      table.string('hash').notNullable()
      table.text('abilities').notNullable()
      table.timestamp('created_at')
      table.timestamp('updated_at')
      table.timestamp('last_used_at').nullable()
      table.timestamp('expires_at').nullable()
    })
  }

  async down() {
    this.schema.dropTable('auth_access_tokens')
    this.schema.dropTable('password_resets')
    this.schema.dropTable('recovery_codes')
    this.schema.dropTable('mfa_factors')
    this.schema.dropTable('password_histories')
  }
}
