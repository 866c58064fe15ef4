import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Jurisdictions (geographies), the compliance standards that apply in
 * them and the controls of each standard: reference data shared by
 * every organisation. Control evidence is derived per organisation at
 * read time (app/services/insights/compliance.ts); documents cite a
 * control by its code through document_control_links.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('geographies', (table) => {
      table.increments('id').notNullable()
      table.string('code', 16).notNullable().unique()
      table.string('name', 120).notNullable()
      table.string('region', 64).nullable()
      table.string('summary', 2000).nullable()
      // JSON array of the authorities that enforce compliance there
      table.text('authorities').notNullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
    })

    this.schema.createTable('compliance_standards', (table) => {
      table.increments('id').notNullable()
      table.string('code', 20).notNullable().unique()
      table.string('name', 200).notNullable()
      table.string('description', 2000).nullable()
      table.string('url', 1024).nullable()
      table.timestamp('created_at').notNullable()
    })

    this.schema.createTable('compliance_controls', (table) => {
      table.increments('id').notNullable()
      table
        .integer('compliance_standard_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('compliance_standards')
        .onDelete('CASCADE')
      table.string('code', 64).notNullable().unique()
      table.string('name', 200).notNullable()
      table.string('description', 2000).nullable()
      table.string('evidence_kind', 32).notNullable()
      table.integer('position').notNullable()
      table.index(['compliance_standard_id', 'position'])
    })

    this.schema.createTable('compliance_standard_geographies', (table) => {
      table.increments('id').notNullable()
      table
        .integer('compliance_standard_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('compliance_standards')
        .onDelete('CASCADE')
      table
        .integer('geography_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('geographies')
        .onDelete('CASCADE')
      table.unique(['compliance_standard_id', 'geography_id'])
      table.index(['geography_id'])
    })
  }

  async down() {
    this.schema.dropTable('compliance_standard_geographies')
    this.schema.dropTable('compliance_controls')
    this.schema.dropTable('compliance_standards')
    this.schema.dropTable('geographies')
  }
}
