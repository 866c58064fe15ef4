import { BaseSchema } from '#plugin-sdk'

/**
 * What Snyk says beyond the shared domain model: its projects (the target
 * each scans, so an issue synced later still knows its repository), the
 * details of its issues the SLA and risk views need (CVSS, CVE, CWE,
 * exploit maturity, fixability, ignore reason and expiry), and each
 * organisation's remediation SLA.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('snyk_projects', (table) => {
      table.increments('id').notNullable()
      table.integer('organization_id').notNullable()
      table.string('connection_public_id', 64).notNullable()
      table.string('snyk_org_id', 64).notNullable()
      table.string('project_id', 64).notNullable()
      table.string('name', 512).notNullable()
      table.string('type', 64).nullable()
      table.string('origin', 64).nullable()
      table.string('target_name', 512).nullable()
      table.string('target_url', 1024).nullable()
      table.string('target_reference', 255).nullable()
      table.string('status', 16).nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['organization_id', 'connection_public_id', 'project_id'])
    })

    this.schema.createTable('snyk_issues', (table) => {
      table.increments('id').notNullable()
      table.integer('organization_id').notNullable()
      table.string('connection_public_id', 64).notNullable()
      table.string('issue_id', 64).notNullable()
      table.string('issue_key', 255).notNullable()
      table.string('project_id', 64).nullable()
      table.string('type', 32).notNullable()
      table.string('title', 1024).notNullable()
      table.string('severity', 16).notNullable()
      table.float('cvss_score').nullable()
      table.string('cve', 64).nullable()
      table.string('cwe', 64).nullable()
      table.string('exploit_maturity', 64).nullable()
      table.boolean('fixable').notNullable().defaultTo(false)
      // open, resolved (in Snyk), closed (no longer listed by Snyk)
      table.string('status', 16).notNullable()
      table.boolean('ignored').notNullable().defaultTo(false)
      table.string('ignore_reason', 1024).nullable()
      table.timestamp('ignore_expires_at').nullable()
      table.string('package_name', 255).nullable()
      table.string('repository_label', 1024).nullable()
      table.timestamp('opened_at').notNullable()
      table.timestamp('resolved_at').nullable()
      table.timestamp('remote_updated_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['organization_id', 'connection_public_id', 'issue_id'])
      table.index(['organization_id', 'status', 'severity'])
    })

    this.schema.createTable('snyk_remediation_slas', (table) => {
      table.increments('id').notNullable()
      table.integer('organization_id').notNullable().unique()
      table.integer('critical_days').notNullable()
      table.integer('high_days').notNullable()
      table.integer('medium_days').notNullable()
      table.integer('low_days').notNullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
    })
  }

  async down() {
    this.schema.dropTable('snyk_remediation_slas')
    this.schema.dropTable('snyk_issues')
    this.schema.dropTable('snyk_projects')
  }
}
