import { BaseSchema } from '#plugin-sdk'

/**
 * The assistant's own tables: the AI models an organisation configures
 * (OpenAI-compatible endpoints, API keys sealed), and each member's
 * conversations with them, from the glasses or the web chat. Threads
 * belong to one user: nobody else, not even a colleague in the same
 * organisation, reads them.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('noa_ai_models', (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table.string('name', 100).notNullable()
      table.string('base_url', 500).notNullable()
      // sealed with the secret box, bound to this row and column
      table.text('api_key').nullable()
      table.string('model', 200).notNullable()
      table.boolean('can_chat').notNullable().defaultTo(false)
      table.boolean('can_vision').notNullable().defaultTo(false)
      table.boolean('can_transcribe').notNullable().defaultTo(false)
      table.boolean('can_embed').notNullable().defaultTo(false)
      // the organisation's default model for each capability (at most one each)
      table.boolean('default_chat').notNullable().defaultTo(false)
      table.boolean('default_vision').notNullable().defaultTo(false)
      table.boolean('default_transcription').notNullable().defaultTo(false)
      table.boolean('default_embeddings').notNullable().defaultTo(false)
      table.float('temperature').nullable()
      table.integer('max_tokens').nullable()
      table.text('system_prompt').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['organization_id'])
    })

    this.schema.createTable('noa_threads', (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table.string('title', 200).notNullable()
      // where the conversation started: 'glasses' or 'web'
      table.string('source', 16).notNullable()
      table.timestamp('last_message_at').notNullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['organization_id', 'user_id', 'last_message_at'])
    })

    this.schema.createTable('noa_messages', (table) => {
      table.increments('id').notNullable()
      table
        .integer('thread_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('noa_threads')
        .onDelete('CASCADE')
      table.string('role', 16).notNullable()
      table.text('content').notNullable()
      // a photo from the glasses, base64, with its sniffed type
      table.text('image_base64').nullable()
      table.string('image_type', 32).nullable()
      table.string('location', 500).nullable()
      table.string('local_time', 64).nullable()
      // 'ok', 'pending' (a web reply being streamed) or 'failed'
      table.string('status', 16).notNullable().defaultTo('ok')
      table.text('error').nullable()
      table.string('model_name', 200).nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['thread_id', 'id'])
    })
  }

  async down() {
    this.schema.dropTable('noa_messages')
    this.schema.dropTable('noa_threads')
    this.schema.dropTable('noa_ai_models')
  }
}
