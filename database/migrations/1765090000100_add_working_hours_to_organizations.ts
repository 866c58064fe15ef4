import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Working hours (issue 28 item 4): an organisation may count time to
 * first review in its working hours only: its working days (ISO
 * weekdays, 1 = Monday, comma-separated) between a start and an end time
 * of day, in its time zone. Off by default: calendar hours.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('organizations', (table) => {
      table.boolean('working_hours_only').notNullable().defaultTo(false)
      table.string('working_days', 20).notNullable().defaultTo('1,2,3,4,5')
      table.string('working_day_starts', 5).notNullable().defaultTo('09:00')
      table.string('working_day_ends', 5).notNullable().defaultTo('17:00')
    })
  }

  async down() {
    this.schema.alterTable('organizations', (table) => {
      table.dropColumn('working_hours_only')
      table.dropColumn('working_days')
      table.dropColumn('working_day_starts')
      table.dropColumn('working_day_ends')
    })
  }
}
