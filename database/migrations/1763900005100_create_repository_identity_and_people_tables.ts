import { BaseSchema } from '@adonisjs/lucid/schema'
import type { Knex } from 'knex'
import { canonicalRepositoryKey } from '#plugin-sdk/identity'

/**
 * One repository and one person, whatever the provider
 * (docs/plugins.md, "Repositories and people across providers"):
 *
 * - repositories gain a canonical key ("github.com/acme/api"), the
 *   normalised clone URL every provider's reference resolves against;
 * - repository_references keeps each reference a plugin wrote that named
 *   no known repository (a Snyk project's URL, a Jira issue's full name),
 *   until it resolves automatically or an admin maps it by hand; the rows
 *   that carried it point at it, so mapping it attaches them;
 * - people own provider identities (contributors): matched by verified
 *   email or an explicit link, merged and split by an admin.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('repositories', (table) => {
      table.string('canonical_key', 512).nullable()
      table.index(['organization_id', 'canonical_key'])
    })

    this.schema.createTable('repository_references', (table) => {
      table.increments('id').notNullable()
      this.organization(table)
      // the plugin that wrote the reference
      table.string('provider', 64).notNullable()
      // 'url', 'full_name' or 'external' ({ provider, externalId })
      table.string('kind', 16).notNullable()
      // the normalised form resolution matches on; `label` is as written
      table.string('reference', 512).notNullable()
      table.string('label', 1024).notNullable()
      // why it did not resolve: 'unknown' or 'ambiguous'
      table.string('reason', 16).notNullable().defaultTo('unknown')
      table
        .integer('repository_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('repositories')
        .onDelete('SET NULL')
      // 'automatic' once a repository with that identity appeared, 'manual' when an admin mapped it
      table.string('resolution', 16).nullable()
      table.integer('mapped_by_id').unsigned().nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['organization_id', 'kind', 'reference'])
    })

    for (const name of ['issues', 'vulnerabilities', 'deployments']) {
      this.schema.alterTable(name, (table) => {
        table
          .integer('repository_reference_id')
          .unsigned()
          .nullable()
          .references('id')
          .inTable('repository_references')
          .onDelete('SET NULL')
      })
    }

    this.schema.createTable('people', (table) => {
      table.increments('id').notNullable()
      this.organization(table)
      table.string('display_name', 255).notNullable()
      // the verified email the identities were matched on, lower-cased
      table.string('email', 320).nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['organization_id', 'email'])
    })

    this.schema.alterTable('contributors', (table) => {
      table
        .integer('person_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('people')
        .onDelete('SET NULL')
      table.boolean('email_verified').notNullable().defaultTo(false)
      // 'manual' once an admin merged or split it: automatic matching leaves it alone
      table.string('person_source', 16).notNullable().defaultTo('automatic')
      // explicit links the provider gave ("provider:externalId", JSON array)
      table.text('linked_identities').nullable()
      table.index(['organization_id', 'person_id'])
    })

    // repositories written before: their key from the URL they were stored with
    this.defer(async (database) => {
      const rows = await database.from('repositories').whereNotNull('url').select('id', 'url')
      for (const row of rows) {
        const key = canonicalRepositoryKey(row.url)
        if (key)
          await database.from('repositories').where('id', row.id).update({ canonical_key: key })
      }
    })

    // people, not accounts: the rollup keys each contributor by person
    this.schema.alterTable('insight_daily_contributors', (table) => {
      table.string('person_key', 300).nullable()
    })
  }

  async down() {
    this.schema.alterTable('insight_daily_contributors', (table) => {
      table.dropColumn('person_key')
    })
    this.schema.alterTable('contributors', (table) => {
      table.dropIndex(['organization_id', 'person_id'])
      table.dropForeign(['person_id'])
      table.dropColumn('person_id')
      table.dropColumn('email_verified')
      table.dropColumn('person_source')
      table.dropColumn('linked_identities')
    })
    this.schema.dropTable('people')
    for (const name of ['issues', 'vulnerabilities', 'deployments']) {
      this.schema.alterTable(name, (table) => {
        table.dropForeign(['repository_reference_id'])
        table.dropColumn('repository_reference_id')
      })
    }
    this.schema.dropTable('repository_references')
    this.schema.alterTable('repositories', (table) => {
      table.dropIndex(['organization_id', 'canonical_key'])
      table.dropColumn('canonical_key')
    })
  }

  private organization(table: Knex.CreateTableBuilder) {
    table
      .integer('organization_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('organizations')
      .onDelete('CASCADE')
  }
}
