import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Reference data (shared by every organisation: values measured at peer
 * organisations, imported from CSV) and the scores computed against it,
 * one point per (organisation, product or none, day).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('reference_metrics', (table) => {
      table.increments('id').notNullable()
      table.string('key', 64).notNullable().unique()
      table.string('name', 120).notNullable()
      table.string('unit', 32).notNullable()
      // 'lower' when a smaller value is better (cycle time), else 'higher'
      table.string('direction', 8).notNullable()
      table.double('weight').notNullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
    })

    this.schema.createTable('reference_records', (table) => {
      table.increments('id').notNullable()
      table
        .integer('reference_metric_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('reference_metrics')
        .onDelete('CASCADE')
      // an anonymous label of the peer organisation the value was measured at
      table.string('peer', 64).notNullable()
      table.double('value').notNullable()
      table.unique(['reference_metric_id', 'peer'])
    })

    this.schema.createTable('score_points', (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table
        .integer('product_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('products')
        .onDelete('CASCADE')
      table.string('day', 10).notNullable()
      table.integer('score').notNullable()
      // the per-metric scores behind it, JSON
      table.text('components').notNullable()
      table.timestamp('created_at').notNullable()
      table.index(['organization_id', 'product_id', 'day'])
    })
  }

  async down() {
    this.schema.dropTable('score_points')
    this.schema.dropTable('reference_records')
    this.schema.dropTable('reference_metrics')
  }
}
