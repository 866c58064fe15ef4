import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A signed delivery replayed under a new delivery id carries the same
 * body: deliveries are also unique per plugin by a digest of the body
 * while it is recent (the digest is cleared after 72 hours, see
 * ReceiveWebhook).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('webhook_deliveries', (table) => {
      table.string('body_digest', 64).nullable()
      table.unique(['plugin_id', 'body_digest'], {
        indexName: 'webhook_deliveries_body_digest_unique',
      })
    })
  }

  async down() {
    this.schema.alterTable('webhook_deliveries', (table) => {
      table.dropUnique(['plugin_id', 'body_digest'], 'webhook_deliveries_body_digest_unique')
      table.dropColumn('body_digest')
    })
  }
}
