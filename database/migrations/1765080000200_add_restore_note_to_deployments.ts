import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Why a deployment's restore moment is not the one its source reported:
 * a restore before the deployment finished is clamped at write, and the
 * reason kept beside it.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('deployments', (table) => {
      table.string('restore_note', 300).nullable()
    })
  }

  async down() {
    this.schema.alterTable('deployments', (table) => {
      table.dropColumn('restore_note')
    })
  }
}
