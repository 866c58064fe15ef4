import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Repository snapshots (the default branch unpacked on disk): when the
 * latest was taken and how big it is, beside last_commit_sha.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('repositories', (table) => {
      table.timestamp('snapshot_at').nullable()
      table.integer('snapshot_files').nullable()
      table.bigInteger('snapshot_bytes').nullable()
    })
  }

  async down() {
    this.schema.alterTable('repositories', (table) => {
      table.dropColumn('snapshot_at')
      table.dropColumn('snapshot_files')
      table.dropColumn('snapshot_bytes')
    })
  }
}
