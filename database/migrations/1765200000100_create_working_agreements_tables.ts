import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Working agreements (issue #25): targets an organisation or one of its
 * teams sets on a measure ("first review within 24 hours" for at least
 * 90% of pull requests), the alerts sent when one slips (one per
 * agreement and ISO week, so a daily check never repeats itself), the
 * statistical findings of the daily contextualisation pass, and each
 * member's choice to receive insights mail (digest and alerts).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('working_agreements', (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table
        .integer('team_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('teams')
        .onDelete('CASCADE')
      table.string('kind', 40).notNullable()
      table.integer('threshold').notNullable()
      table.integer('target_percent').notNullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['organization_id'])
    })

    this.schema.createTable('working_agreement_alerts', (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table
        .integer('working_agreement_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('working_agreements')
        .onDelete('CASCADE')
      // ISO week the alert covers ('2026-W10')
      table.string('period', 10).notNullable()
      table.double('adherence').notNullable()
      table.integer('measured').notNullable()
      table.integer('mails').notNullable().defaultTo(0)
      table.string('webhook_status', 255).nullable()
      table.timestamp('created_at').notNullable()
      table.unique(['working_agreement_id', 'period'])
    })

    this.schema.createTable('insight_findings', (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      // the day the pass ran for, and the day the anomaly was seen
      table.string('day', 10).notNullable()
      table.string('pipeline', 40).notNullable()
      table.string('metric', 40).notNullable()
      table.string('anomaly_day', 10).notNullable()
      table.double('value').notNullable()
      table.double('expected').notNullable()
      table.double('score').notNullable()
      table.text('summary').notNullable()
      // JSON: the rows that explain the finding
      table.text('evidence').notNullable()
      table.text('narrative').nullable()
      table.timestamp('created_at').notNullable()
      table.index(['organization_id', 'day'])
    })

    // one alert per anomaly, however often the pass reruns over a sliding window
    this.schema.createTable('insight_anomaly_alerts', (table) => {
      table.increments('id').notNullable()
      table
        .integer('organization_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('organizations')
        .onDelete('CASCADE')
      table.string('metric', 40).notNullable()
      table.string('direction', 4).notNullable()
      table.string('anomaly_day', 10).notNullable()
      table.string('anomaly_to', 10).notNullable()
      table.integer('mails').notNullable().defaultTo(0)
      table.string('webhook_status', 255).nullable()
      table.timestamp('created_at').notNullable()
      table.unique(['organization_id', 'metric', 'anomaly_day'])
    })

    this.schema.alterTable('memberships', (table) => {
      table.timestamp('insights_mail_stopped_at').nullable()
    })
    this.schema.alterTable('organizations', (table) => {
      // sealed with the secret box: an incoming-webhook URL is a credential
      table.text('alert_webhook_url').nullable()
    })
  }

  async down() {
    this.schema.alterTable('organizations', (table) => table.dropColumn('alert_webhook_url'))
    this.schema.alterTable('memberships', (table) => table.dropColumn('insights_mail_stopped_at'))
    this.schema.dropTable('insight_anomaly_alerts')
    this.schema.dropTable('insight_findings')
    this.schema.dropTable('working_agreement_alerts')
    this.schema.dropTable('working_agreements')
  }
}
