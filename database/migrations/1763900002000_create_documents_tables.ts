import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Evidence documents. A document is what users see (title, category,
 * control links); each upload of its file is a version, and the newest
 * version is the current one. Objects live on a Drive disk under
 * documents/<organisation public id>/<random id>; the row remembers which
 * disk, so switching DRIVE_DISK never strands older files.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('documents', (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table.string('title', 200).notNullable()
      table.string('category', 16).notNullable()
      table
        .integer('uploaded_by_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('users')
        .onDelete('SET NULL')
      // Soft delete: hidden at once, purged with its objects after the
      // retention period by "node ace documents:purge".
      table.timestamp('deleted_at').nullable()
      table
        .integer('deleted_by_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('users')
        .onDelete('SET NULL')
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['organization_id', 'deleted_at'])
    })

    this.schema.createTable('document_versions', (table) => {
      table.increments('id').notNullable()
      table
        .integer('document_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('documents')
        .onDelete('CASCADE')
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table.integer('version').unsigned().notNullable()
      table.string('disk', 16).notNullable()
      table.string('storage_key', 191).notNullable().unique()
      // The uploader's file name, kept as metadata only (never a path).
      table.string('original_name', 255).notNullable()
      table.string('content_type', 127).notNullable()
      table.bigInteger('size_bytes').unsigned().notNullable()
      // SHA-256 of the content, hex.
      table.string('checksum', 64).notNullable()
      table
        .integer('uploaded_by_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('users')
        .onDelete('SET NULL')
      table.timestamp('created_at').notNullable()
      table.unique(['document_id', 'version'])
    })

    // Compliance controls arrive with a later issue: until then a link is
    // the control's code (e.g. "SOC2-CC6.1"), which that controls
    // table will be joined on.
    this.schema.createTable('document_control_links', (table) => {
      table.increments('id').notNullable()
      table
        .integer('document_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('documents')
        .onDelete('CASCADE')
      table.string('control_code', 64).notNullable()
      table.unique(['document_id', 'control_code'])
      table.index(['control_code'])
    })
  }

  async down() {
    this.schema.dropTable('document_control_links')
    this.schema.dropTable('document_versions')
    this.schema.dropTable('documents')
  }
}
