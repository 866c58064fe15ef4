import db from '@adonisjs/lucid/services/db'
import edge from 'edge.js'
import { DateTime } from 'luxon'
import { listAgreements } from '#queries/working_agreements'
import { insightsMailRecipients } from '#queries/insights_mail'
import { latestFindings } from '#queries/insight_findings'
import { dailyTotals } from '#queries/daily_series'
import { adherence } from '#services/agreements/adherence'
import { appLink, stopMailLink } from '#services/agreements/mail_links'
import { sendMail } from '#services/mailer'

const FIGURES = [
  { metric: 'prs_merged', label: 'Merged pull requests' },
  { metric: 'deployments', label: 'Deployments' },
  { metric: 'commits', label: 'Commits' },
  { metric: 'bugs_opened', label: 'Bugs reported' },
] as const

function sum(series: Map<string, number> | undefined) {
  return [...(series ?? new Map<string, number>()).values()].reduce(
    (total, value) => total + value,
    0
  )
}

/**
 * The weekly digest of one organisation, for the last complete ISO week
 * (UTC) before `now`: the week's figures against the week before, each
 * working agreement (the organisation's, then each team's) against its
 * target, what changed and why, and links back; one mail per member who
 * receives insights mail, each with their own unsubscribe link.
 */
export default class SendWeeklyDigest {
  async execute(input: { organizationId: number; now?: Date }) {
    const now = DateTime.fromJSDate(input.now ?? new Date(), { zone: 'utc' })
    const start = now.startOf('week').minus({ weeks: 1 })
    const end = start.plus({ weeks: 1 })
    const week = { from: start.toISODate()!, to: end.minus({ days: 1 }).toISODate()! }
    const organization = await db
      .from('organizations')
      .where('id', input.organizationId)
      .select('name')
      .firstOrFail()

    const [current, previous] = await Promise.all([
      dailyTotals(input.organizationId, week),
      dailyTotals(input.organizationId, {
        from: start.minus({ weeks: 1 }).toISODate()!,
        to: start.minus({ days: 1 }).toISODate()!,
      }),
    ])
    const figures = FIGURES.map(({ metric, label }) => {
      const value = sum(current.get(metric))
      const before = sum(previous.get(metric))
      return { label, value, before, change: value - before }
    })
    const agreements = []
    for (const agreement of await listAgreements(input.organizationId)) {
      const measured = await adherence(
        agreement,
        { start: start.toJSDate(), end: end.toJSDate() },
        now.toJSDate()
      )
      agreements.push({
        ...agreement,
        measured,
        holds: measured.percent === null ? null : measured.percent >= agreement.targetPercent,
      })
    }
    const findings = await latestFindings(input.organizationId, week)
    const common = {
      organizationName: organization.name,
      week,
      figures,
      agreements,
      findings,
      summaryLink: appLink(`/insights?from=${week.from}&to=${week.to}`),
      agreementsLink: appLink('/settings/insights/agreements'),
    }

    let sent = 0
    for (const recipient of await insightsMailRecipients(input.organizationId, {
      managersOnly: false,
    })) {
      const data = { ...common, stopLink: stopMailLink(recipient.membershipPublicId) }
      const delivered = await sendMail({
        to: recipient.email,
        subject: `${organization.name}: your week in engineering (${week.from} to ${week.to})`,
        text: await edge.render('emails/weekly_digest_text', data),
        html: await edge.render('emails/weekly_digest_html', data),
      })
      if (delivered) sent++
    }
    return { sent, week }
  }
}
