import { BaseSchema } from '#plugin-sdk'

/**
 * The GitHub App created from Sextant (Admin → GitHub App, GitHub's
 * manifest flow): one per server, like the environment variables it
 * stands in for. Its private key, client secret and webhook secret are
 * sealed (declared in the manifest's sealedColumns for secrets:rotate).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('github_app_registrations', (table) => {
      table.increments('id').notNullable()
      table.bigInteger('app_id').notNullable()
      table.string('slug', 255).notNullable()
      table.string('name', 255).notNullable()
      table.string('owner_login', 255).nullable()
      table.string('html_url', 1024).nullable()
      table.string('client_id', 255).notNullable()
      table.text('client_secret').notNullable()
      table.text('private_key').notNullable()
      table.text('webhook_secret').notNullable()
      table.string('webhook_url', 2048).nullable()
      table.string('created_by_user_public_id', 64).nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
    })
  }

  async down() {
    this.schema.dropTable('github_app_registrations')
  }
}
