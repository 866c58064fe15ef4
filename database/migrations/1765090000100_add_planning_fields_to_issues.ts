import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * How an issue is planned, as trackers such as Jira say it: its labels,
 * components and fix versions (JSON arrays of names), the sprint it is
 * in (the active one, else the latest), its parent and epic (by key) and
 * its story points; and an index for finding an organisation's incidents
 * by when they were opened.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('issues', (table) => {
      table.text('labels').nullable()
      table.text('components').nullable()
      table.text('fix_versions').nullable()
      table.string('sprint', 255).nullable()
      table.string('parent_key', 64).nullable()
      table.string('epic_key', 64).nullable()
      table.double('story_points').nullable()
      // the change failure rate looks for incidents opened after each deployment
      table.index(['organization_id', 'type', 'opened_at'], 'issues_org_type_opened_index')
    })
  }

  async down() {
    this.schema.alterTable('issues', (table) => {
      table.dropIndex(['organization_id', 'type', 'opened_at'], 'issues_org_type_opened_index')
      table.dropColumn('labels')
      table.dropColumn('components')
      table.dropColumn('fix_versions')
      table.dropColumn('sprint')
      table.dropColumn('parent_key')
      table.dropColumn('epic_key')
      table.dropColumn('story_points')
    })
  }
}
