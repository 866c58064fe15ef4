import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The narrative of a finding says which model wrote it (shown as
 * model-written next to the text), and a model call that failed leaves
 * its reason instead, so the statistical finding still shows and the
 * failure can be read (#25).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('insight_findings', (table) => {
      table.string('narrative_model', 255).nullable()
      table.text('narrative_error').nullable()
    })
  }

  async down() {
    this.schema.alterTable('insight_findings', (table) => {
      table.dropColumn('narrative_error')
      table.dropColumn('narrative_model')
    })
  }
}
