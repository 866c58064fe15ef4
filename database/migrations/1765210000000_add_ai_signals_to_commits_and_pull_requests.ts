import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Built-in signals as line facts (docs/ai_code.md): the lines a signalled
 * commit added, as its code host's diff gave them (JSON, per file), and
 * the AI marker a pull request's body carries (the marker's line only:
 * the core keeps no body).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('commits', (table) => {
      table.text('added_lines').nullable()
    })
    this.schema.alterTable('pull_requests', (table) => {
      table.string('ai_marker', 255).nullable()
    })
  }

  async down() {
    this.schema.alterTable('pull_requests', (table) => {
      table.dropColumn('ai_marker')
    })
    this.schema.alterTable('commits', (table) => {
      table.dropColumn('added_lines')
    })
  }
}
