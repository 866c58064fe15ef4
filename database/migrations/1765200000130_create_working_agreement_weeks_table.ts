import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Each working agreement's adherence per ISO week, recorded by the daily
 * check (the week so far and the week before) and when an agreement is
 * set (its last eight weeks), so the insights pages' adherence strip is
 * one read, not a measurement per agreement and week.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('working_agreement_weeks', (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table
        .integer('working_agreement_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('working_agreements')
        .onDelete('CASCADE')
      // ISO week ('2026-W10', UTC)
      table.string('period', 10).notNullable()
      table.integer('measured').notNullable()
      table.integer('met').notNullable()
      // null when nothing was measured
      table.double('percent').nullable()
      table.timestamp('computed_at').notNullable()
      table.unique(['working_agreement_id', 'period'])
      table.index(['organization_id', 'period'])
    })
  }

  async down() {
    this.schema.dropTable('working_agreement_weeks')
  }
}
