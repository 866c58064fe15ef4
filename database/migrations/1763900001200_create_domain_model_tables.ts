import { BaseSchema } from '@adonisjs/lucid/schema'
import type { Knex } from 'knex'

/**
 * The one domain model every provider writes to. Each row is unique on
 * (organisation, provider, external id), so a sync upserts in batches and
 * never deletes to re-insert; the connection may go away (disconnect)
 * while the history stays.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('repositories', (table) => {
      this.identity(table)
      table.string('name', 255).notNullable()
      table.string('full_name', 512).notNullable()
      table.string('url', 1024).nullable()
      table.string('default_branch', 255).nullable()
      table.boolean('is_private').notNullable().defaultTo(true)
      table.boolean('is_archived').notNullable().defaultTo(false)
      table.string('language', 64).nullable()
      table.boolean('monitored').notNullable().defaultTo(true)
      table.string('last_commit_sha', 64).nullable()
      table.timestamp('remote_updated_at').nullable()
      this.stamps(table)
      table.index(['organization_id', 'full_name'])
    })

    this.schema.createTable('contributors', (table) => {
      this.identity(table)
      table.string('login', 255).notNullable()
      table.string('name', 255).nullable()
      table.string('email', 320).nullable()
      table.boolean('is_bot').notNullable().defaultTo(false)
      this.stamps(table)
      table.index(['organization_id', 'login'])
    })

    this.schema.createTable('pull_requests', (table) => {
      this.identity(table)
      this.repository(table, 'CASCADE')
      table.integer('number').notNullable()
      table.string('title', 1024).notNullable()
      table.string('state', 16).notNullable()
      table.string('author_login', 255).nullable()
      table.string('base_ref', 255).nullable()
      table.string('head_ref', 255).nullable()
      table.string('head_sha', 64).nullable()
      table.boolean('draft').notNullable().defaultTo(false)
      table.integer('additions').nullable()
      table.integer('deletions').nullable()
      table.integer('changed_files').nullable()
      table.integer('commits_count').nullable()
      table.string('url', 1024).nullable()
      table.timestamp('opened_at').notNullable()
      table.timestamp('first_commit_at').nullable()
      table.timestamp('first_review_at').nullable()
      table.timestamp('approved_at').nullable()
      table.timestamp('merged_at').nullable()
      table.timestamp('closed_at').nullable()
      table.timestamp('remote_updated_at').nullable()
      this.stamps(table)
      table.index(['organization_id', 'repository_id'])
      table.index(['organization_id', 'merged_at'])
    })

    this.schema.createTable('commits', (table) => {
      this.identity(table)
      this.repository(table, 'CASCADE')
      table.string('sha', 64).notNullable()
      table.text('message').notNullable()
      table.string('author_login', 255).nullable()
      table.string('author_name', 255).nullable()
      table.string('author_email', 320).nullable()
      table.timestamp('authored_at').nullable()
      table.timestamp('committed_at').nullable()
      table.integer('additions').nullable()
      table.integer('deletions').nullable()
      // Git trailers ("Co-authored-by", "Signed-off-by", ...) as JSON.
      table.text('trailers').nullable()
      table.boolean('ai_assisted').notNullable().defaultTo(false)
      this.stamps(table)
      table.index(['organization_id', 'repository_id'])
      table.index(['organization_id', 'committed_at'])
    })

    this.schema.createTable('issues', (table) => {
      this.identity(table)
      this.repository(table, 'SET NULL', true)
      table.string('key', 64).notNullable()
      table.string('project_key', 64).nullable()
      table.string('title', 1024).notNullable()
      table.string('type', 32).notNullable().defaultTo('task')
      table.string('status', 64).notNullable()
      table.string('status_category', 16).notNullable()
      table.string('priority', 32).nullable()
      table.string('assignee_login', 255).nullable()
      table.string('reporter_login', 255).nullable()
      table.string('url', 1024).nullable()
      table.timestamp('opened_at').notNullable()
      table.timestamp('resolved_at').nullable()
      table.timestamp('remote_updated_at').nullable()
      this.stamps(table)
      table.index(['organization_id', 'repository_id'])
    })

    this.schema.createTable('vulnerabilities', (table) => {
      this.identity(table)
      this.repository(table, 'SET NULL', true)
      table.string('title', 1024).notNullable()
      table.string('severity', 16).notNullable()
      table.string('identifier', 128).nullable()
      table.string('package_name', 255).nullable()
      table.string('status', 16).notNullable()
      table.string('url', 1024).nullable()
      table.timestamp('introduced_at').notNullable()
      table.timestamp('fixed_at').nullable()
      table.timestamp('remote_updated_at').nullable()
      this.stamps(table)
      table.index(['organization_id', 'repository_id'])
      table.index(['organization_id', 'status', 'severity'])
    })

    this.schema.createTable('deployments', (table) => {
      this.identity(table)
      this.repository(table, 'SET NULL', true)
      table.string('kind', 16).notNullable().defaultTo('deployment')
      table.string('environment', 128).nullable()
      table.string('status', 16).notNullable()
      table.string('sha', 64).nullable()
      table.boolean('caused_failure').notNullable().defaultTo(false)
      table.timestamp('started_at').notNullable()
      table.timestamp('finished_at').nullable()
      table.timestamp('restored_at').nullable()
      table.string('url', 1024).nullable()
      this.stamps(table)
      table.index(['organization_id', 'repository_id'])
      table.index(['organization_id', 'started_at'])
    })
  }

  async down() {
    for (const name of [
      'deployments',
      'vulnerabilities',
      'issues',
      'commits',
      'pull_requests',
      'contributors',
      'repositories',
    ]) {
      this.schema.dropTable(name)
    }
  }

  private identity(table: Knex.CreateTableBuilder) {
    table.increments('id').notNullable()
    table
      .integer('organization_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('organizations')
      .onDelete('CASCADE')
    table
      .integer('connection_id')
      .unsigned()
      .nullable()
      .references('id')
      .inTable('connections')
      .onDelete('SET NULL')
    table.string('provider', 64).notNullable()
    table.string('external_id', 191).notNullable()
    table.unique(['organization_id', 'provider', 'external_id'])
  }

  private repository(table: Knex.CreateTableBuilder, onDelete: string, nullable = false) {
    const column = table.integer('repository_id').unsigned()
    ;(nullable ? column.nullable() : column.notNullable())
      .references('id')
      .inTable('repositories')
      .onDelete(onDelete)
  }

  private stamps(table: Knex.CreateTableBuilder) {
    table.timestamp('created_at').notNullable()
    table.timestamp('updated_at').notNullable()
  }
}
