import { BaseSchema } from '#plugin-sdk'

/**
 * The assistant's knowledge base: question/answer pairs grouped by
 * document title, each with its embedding, and each organisation's
 * retrieval settings. The vector is stored as base64 of its float32
 * bytes (portable across SQLite and PostgreSQL), next to the embedder
 * that produced it: entries embedded by another embedder are embedded
 * again before they are compared with a question.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('noa_knowledge_entries', (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table.string('document_title', 200).notNullable()
      table.text('question').notNullable()
      table.text('answer').notNullable()
      table.text('embedding').nullable()
      table.string('embedder_id', 300).nullable()
      table.integer('embedding_dimensions').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['organization_id', 'document_title'])
    })

    this.schema.createTable('noa_knowledge_settings', (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .unique()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table.decimal('similarity_threshold', 4, 3).notNullable()
      table.integer('top_k').notNullable()
      table.integer('max_question_length').notNullable()
      // JSON array of words or phrases
      table.text('blocked_topics').notNullable()
      // answer only from the base: no match means no model answer either
      table.boolean('strict_mode').notNullable().defaultTo(false)
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
    })
  }

  async down() {
    this.schema.dropTable('noa_knowledge_settings')
    this.schema.dropTable('noa_knowledge_entries')
  }
}
