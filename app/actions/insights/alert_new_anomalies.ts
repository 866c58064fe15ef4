import db from '@adonisjs/lucid/services/db'
import edge from 'edge.js'
import logger from '@adonisjs/core/services/logger'
import { insightsMailRecipients } from '#queries/insights_mail'
import { alertWebhookUrl, postAlert } from '#services/agreements/alert_webhook'
import { appLink } from '#services/agreements/mail_links'
import { sendMail } from '#services/mailer'
import type { Finding } from '#actions/insights/contextualize_insights'

function shiftDay(day: string, count: number) {
  const date = new Date(`${day}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + count)
  return date.toISOString().slice(0, 10)
}

/**
 * Tells the organisation's managers about anomalies the statistical pass
 * found that nobody was told about yet: one alert per anomaly (a metric
 * moving one way over consecutive days, however its window slides), by e-mail to each admin and owner who receives insights
 * mail and to the alert webhook. The claim row is written first, so a
 * rerun of the pass or a second scheduler never repeats an alert.
 */
export default class AlertNewAnomalies {
  async execute(input: { organizationId: number; findings: Finding[] }) {
    const organization = await db
      .from('organizations')
      .where('id', input.organizationId)
      .select('name')
      .firstOrFail()
    let alerts = 0
    for (const finding of input.findings) {
      const claim = await this.#claim(input.organizationId, finding)
      if (claim === null) continue
      alerts++
      const link = appLink(`/insights?from=${finding.from}&to=${finding.to}`)
      let mails = 0
      for (const recipient of await insightsMailRecipients(input.organizationId, {
        managersOnly: true,
      })) {
        const data = { organizationName: organization.name, finding, link }
        const delivered = await sendMail({
          to: recipient.email,
          subject: `${organization.name}: ${finding.summary}`,
          text: await edge.render('emails/anomaly_alert_text', data),
          html: await edge.render('emails/anomaly_alert_html', data),
        })
        if (delivered) mails++
      }
      const webhook = await alertWebhookUrl(input.organizationId)
      const webhookStatus = webhook
        ? await postAlert(webhook, `${organization.name}: ${finding.summary} ${link}`)
        : null
      await db
        .from('insight_anomaly_alerts')
        .where('id', claim)
        .update({ mails, webhook_status: webhookStatus })
    }
    return { alerts }
  }

  async #claim(organizationId: number, finding: Finding) {
    // the same anomaly seen again by a later run (its window slid by a
    // day or more): same metric and direction, overlapping or adjacent days
    const existing = await db
      .from('insight_anomaly_alerts')
      .where('organization_id', organizationId)
      .where('metric', finding.metric)
      .where('direction', finding.direction)
      .where('anomaly_day', '<=', shiftDay(finding.to, 1))
      .where('anomaly_to', '>=', shiftDay(finding.from, -1))
      .first()
    if (existing) {
      if (finding.to > existing.anomaly_to) {
        await db
          .from('insight_anomaly_alerts')
          .where('id', existing.id)
          .update({ anomaly_to: finding.to })
      }
      return null
    }
    try {
      const [inserted] = await db
        .table('insight_anomaly_alerts')
        .insert({
          organization_id: organizationId,
          metric: finding.metric,
          direction: finding.direction,
          anomaly_day: finding.from,
          anomaly_to: finding.to,
          created_at: new Date(),
        })
        .returning('id')
      return Number(typeof inserted === 'object' ? inserted.id : inserted)
    } catch (error) {
      // another process claimed it between the read and the insert
      logger.debug({ err: error }, 'anomaly alert already claimed')
      return null
    }
  }
}
