import { BaseSchema } from '#plugin-sdk'

/**
 * A model's API key is bound to the origin (scheme, host and port) it
 * was typed for: the key is only sent there, and pointing the model at
 * another origin needs the key typed again. Keys stored before this
 * column existed were typed for the model's current base URL.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('noa_ai_models', (table) => {
      table.string('api_key_origin', 300).nullable()
    })
    this.defer(async (db) => {
      const rows = await db.from('noa_ai_models').whereNotNull('api_key').select('id', 'base_url')
      for (const row of rows) {
        const origin = URL.canParse(row.base_url) ? new URL(row.base_url).origin : null
        await db.from('noa_ai_models').where('id', row.id).update({ api_key_origin: origin })
      }
    })
  }

  async down() {
    this.schema.alterTable('noa_ai_models', (table) => {
      table.dropColumn('api_key_origin')
    })
  }
}
