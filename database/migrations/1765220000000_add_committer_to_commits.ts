import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A commit's committer identity, beside its author: a commit a coding
 * agent's own identity committed (rebased, amended, applied) is a
 * built-in signal (docs/ai_code.md), "committed by …".
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('commits', (table) => {
      table.string('committer_login', 255).nullable()
      table.string('committer_name', 255).nullable()
      table.string('committer_email', 320).nullable()
    })
  }

  async down() {
    this.schema.alterTable('commits', (table) => {
      table.dropColumn('committer_login')
      table.dropColumn('committer_name')
      table.dropColumn('committer_email')
    })
  }
}
