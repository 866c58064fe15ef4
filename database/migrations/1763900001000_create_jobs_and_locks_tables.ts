import { BaseSchema } from '@adonisjs/lucid/schema'
import { QueueSchemaService } from '@adonisjs/queue'

/**
 * Tables of the database queue adapter (jobs, recurring schedules) and of
 * the database lock store. Redis replaces both when configured, but the
 * tables stay so that switching back needs no migration.
 */
export default class extends BaseSchema {
  async up() {
    const queueSchema = new QueueSchemaService(this.db.getWriteClient())
    await queueSchema.createJobsTable()
    await queueSchema.createSchedulesTable()

    this.schema.createTable('locks', (table) => {
      table.string('key', 255).notNullable().primary()
      table.string('owner').notNullable()
      table.bigint('expiration').unsigned().nullable()
    })
  }

  async down() {
    this.schema.dropTable('locks')
    const queueSchema = new QueueSchemaService(this.db.getWriteClient())
    await queueSchema.dropSchedulesTable()
    await queueSchema.dropJobsTable()
  }
}
