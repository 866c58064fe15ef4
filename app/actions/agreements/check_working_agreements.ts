import db from '@adonisjs/lucid/services/db'
import edge from 'edge.js'
import logger from '@adonisjs/core/services/logger'
import { listAgreements, type AgreementRow } from '#queries/working_agreements'
import { insightsMailRecipients } from '#queries/insights_mail'
import {
  adherence,
  isoWeek,
  recentWeeks,
  trailingWeek,
  type Adherence,
} from '#services/agreements/adherence'
import { recordAdherenceWeeks } from '#services/agreements/adherence_weeks'
import { alertWebhookUrl, postAlert } from '#services/agreements/alert_webhook'
import { appLink } from '#services/agreements/mail_links'
import { sendMail } from '#services/mailer'

export type AlertReport = { checked: number; alerts: number; mails: number }

function alertText(organizationName: string, agreement: AgreementRow, measured: Adherence) {
  return (
    `${organizationName}: “${agreement.description}” ${agreement.scopeLabel} slipped to ` +
    `${measured.percent}% over the last 7 days (${measured.met} of ${measured.measured}; target ${agreement.targetPercent}%). ` +
    appLink('/settings/insights/agreements')
  )
}

/**
 * Records each working agreement's adherence this ISO week and the one
 * before (the insights pages' strip), and judges it over the last seven
 * days; one below its target raises an alert, once per agreement and ISO
 * week: an e-mail to each manager who receives insights mail, and a post
 * to the organisation's incoming webhook. The alert row is written first
 * (unique per agreement and week), so two schedulers never both send.
 */
export default class CheckWorkingAgreements {
  async execute(input: { organizationId: number; now?: Date }): Promise<AlertReport> {
    const now = input.now ?? new Date()
    const organization = await db
      .from('organizations')
      .where('id', input.organizationId)
      .select('name')
      .firstOrFail()
    const report: AlertReport = { checked: 0, alerts: 0, mails: 0 }
    for (const agreement of await listAgreements(input.organizationId)) {
      report.checked++
      // the week so far, and the week before now that it is complete
      await recordAdherenceWeeks(agreement, recentWeeks(now, 2), now)
      const measured = await adherence(agreement, trailingWeek(now), now)
      if (measured.percent === null || measured.percent >= agreement.targetPercent) continue
      const alertId = await this.#claim(agreement, isoWeek(now), measured)
      if (alertId === null) continue
      report.alerts++
      const mails = await this.#mail(organization.name, agreement, measured)
      report.mails += mails
      const webhook = await alertWebhookUrl(input.organizationId)
      const webhookStatus = webhook
        ? await postAlert(webhook, alertText(organization.name, agreement, measured))
        : null
      await db
        .from('working_agreement_alerts')
        .where('id', alertId)
        .update({ mails, webhook_status: webhookStatus })
    }
    return report
  }

  /** the alert's row for this week, or null when it was already raised */
  async #claim(agreement: AgreementRow, period: string, measured: Adherence) {
    const existing = await db
      .from('working_agreement_alerts')
      .where('working_agreement_id', agreement.id)
      .where('period', period)
      .first()
    if (existing) return null
    try {
      const [inserted] = await db
        .table('working_agreement_alerts')
        .insert({
          organization_id: agreement.organizationId,
          working_agreement_id: agreement.id,
          period,
          adherence: measured.percent,
          measured: measured.measured,
          created_at: new Date(),
        })
        .returning('id')
      return Number(typeof inserted === 'object' ? inserted.id : inserted)
    } catch (error) {
      // another process claimed it between the read and the insert
      logger.debug({ err: error }, 'working agreement alert already claimed')
      return null
    }
  }

  async #mail(organizationName: string, agreement: AgreementRow, measured: Adherence) {
    const recipients = await insightsMailRecipients(agreement.organizationId, {
      managersOnly: true,
    })
    let sent = 0
    for (const recipient of recipients) {
      const data = {
        organizationName,
        agreement,
        measured,
        late: measured.late.slice(0, 20),
        pageLink: appLink('/settings/insights/agreements'),
      }
      const delivered = await sendMail({
        to: recipient.email,
        subject: `${organizationName}: “${agreement.description}” is below target (${measured.percent}%)`,
        text: await edge.render('emails/agreement_alert_text', data),
        html: await edge.render('emails/agreement_alert_html', data),
      })
      if (delivered) sent++
    }
    return sent
  }
}
