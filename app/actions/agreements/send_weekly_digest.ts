import db from '@adonisjs/lucid/services/db'
import edge from 'edge.js'
import { DateTime } from 'luxon'
import { listAgreements, type AgreementRow } from '#queries/working_agreements'
import { insightsMailRecipients, teamsOfMembers, type MailRecipient } from '#queries/insights_mail'
import { latestFindings, narrativeFailures } from '#queries/insight_findings'
import { dailyTotals } from '#queries/daily_series'
import { teamTrend } from '#queries/team_metrics'
import { teamIds } from '#actions/teams/find_team'
import { adherence, type Period } from '#services/agreements/adherence'
import { appLink, stopMailLink } from '#services/agreements/mail_links'
import { roleAllows } from '#services/authorization'
import { sendMail } from '#services/mailer'

const FIGURES = [
  { metric: 'prs_merged', label: 'Merged pull requests' },
  { metric: 'deployments', label: 'Deployments' },
  { metric: 'commits', label: 'Commits' },
  { metric: 'bugs_opened', label: 'Bugs reported' },
] as const

/** a team's figures: those that belong to people (deployments and bugs belong to repositories) */
const TEAM_FIGURES = [
  { key: 'pullRequestsMerged', label: 'Merged pull requests' },
  { key: 'pullRequestsOpened', label: 'Opened pull requests' },
  { key: 'commits', label: 'Commits' },
  { key: 'aiAssistedCommits', label: 'AI-assisted commits' },
] as const

type Week = { from: string; to: string }
type Digest = Record<string, unknown> & { subject: string }

function sum(series: Map<string, number> | undefined) {
  return [...(series ?? new Map<string, number>()).values()].reduce(
    (total, value) => total + value,
    0
  )
}

/**
 * The weekly digests of one organisation, for the last complete ISO week
 * (UTC) before `now`. The organisation's (the executives'): the week's
 * figures against the week before, every working agreement (the
 * organisation's, then each team's) against its target, what changed and
 * why; it goes to the owners and admins, and to members in no team. Each
 * team's: its people's figures and its own agreements; it goes to the
 * members who are among its people (matched by e-mail, Settings →
 * People). One mail per digest and recipient, each with their own
 * unsubscribe link; a member in two teams gets both.
 */
export default class SendWeeklyDigest {
  async execute(input: { organizationId: number; now?: Date }) {
    const now = DateTime.fromJSDate(input.now ?? new Date(), { zone: 'utc' })
    const start = now.startOf('week').minus({ weeks: 1 })
    const end = start.plus({ weeks: 1 })
    const week = { from: start.toISODate()!, to: end.minus({ days: 1 }).toISODate()! }
    const period = { start: start.toJSDate(), end: end.toJSDate() }
    const organization = await db
      .from('organizations')
      .where('id', input.organizationId)
      .select('name')
      .firstOrFail()
    const agreements = await listAgreements(input.organizationId)
    const recipients = await insightsMailRecipients(input.organizationId, { managersOnly: false })
    const teamsOf = await teamsOfMembers(input.organizationId)

    let sent = 0
    const executives = recipients.filter(
      (recipient) =>
        roleAllows(recipient.role, 'organization.manage') || !teamsOf.has(recipient.membershipId)
    )
    if (executives.length > 0) {
      const digest = await this.#organizationDigest(
        input.organizationId,
        organization.name,
        week,
        period,
        agreements,
        now.toJSDate()
      )
      sent += await this.#send(digest, executives)
    }
    const teams = await db
      .from('teams')
      .where('organization_id', input.organizationId)
      .select('id', 'name')
      .orderBy('name')
    for (const team of teams) {
      const members = recipients.filter((recipient) =>
        teamsOf.get(recipient.membershipId)?.includes(team.id)
      )
      if (members.length === 0) continue
      const digest = await this.#teamDigest(
        input.organizationId,
        organization.name,
        team,
        week,
        period,
        agreements.filter((agreement) => agreement.teamId === team.id),
        now.toJSDate()
      )
      sent += await this.#send(digest, members)
    }
    return { sent, week }
  }

  async #organizationDigest(
    organizationId: number,
    organizationName: string,
    week: Week,
    period: Period,
    agreements: AgreementRow[],
    now: Date
  ): Promise<Digest> {
    const start = DateTime.fromISO(week.from, { zone: 'utc' })
    const [current, previous] = await Promise.all([
      dailyTotals(organizationId, week),
      dailyTotals(organizationId, {
        from: start.minus({ weeks: 1 }).toISODate()!,
        to: start.minus({ days: 1 }).toISODate()!,
      }),
    ])
    const findings = await latestFindings(organizationId, week)
    const figures = FIGURES.map(({ metric, label }) => {
      const value = sum(current.get(metric))
      const before = sum(previous.get(metric))
      return { label, value, before, change: value - before }
    })
    return {
      subject: `${organizationName}: your week in engineering (${week.from} to ${week.to})`,
      organizationName,
      teamName: null,
      week,
      figures,
      agreements: await measured(agreements, period, now),
      findings,
      // the run days whose model call failed: said, never why (the stored
      // reason may be a provider's text; the Executive Summary shows it cut short)
      modelFailures: narrativeFailures(findings).map(({ day, unexplained }) => ({
        day,
        unexplained,
      })),
      summaryLink: appLink(`/insights?from=${week.from}&to=${week.to}`),
      agreementsLink: appLink('/settings/insights/agreements'),
    }
  }

  async #teamDigest(
    organizationId: number,
    organizationName: string,
    team: { id: number; name: string },
    week: Week,
    period: Period,
    agreements: AgreementRow[],
    now: Date
  ): Promise<Digest> {
    const publicId = teamIds.encode(team.id)
    const start = DateTime.fromISO(week.from, { zone: 'utc' })
    const trend = await teamTrend(
      organizationId,
      { team: publicId },
      {
        ...week,
        previous: {
          from: start.minus({ weeks: 1 }).toISODate()!,
          to: start.minus({ days: 1 }).toISODate()!,
        },
      }
    )
    const figures = TEAM_FIGURES.map(({ key, label }) => {
      const value = Number(trend.current[key] ?? 0)
      const before = Number(trend.previous[key] ?? 0)
      return { label, value, before, change: value - before }
    })
    return {
      subject: `${organizationName}, team ${team.name}: your week in engineering (${week.from} to ${week.to})`,
      organizationName,
      teamName: team.name,
      week,
      figures,
      agreements: await measured(agreements, period, now),
      findings: null,
      modelFailures: [],
      summaryLink: appLink(`/insights?from=${week.from}&to=${week.to}&team=${publicId}`),
      agreementsLink: appLink(`/settings/insights/agreements?for=${publicId}`),
    }
  }

  async #send(digest: Digest, recipients: MailRecipient[]) {
    let sent = 0
    for (const recipient of recipients) {
      const data = { ...digest, stopLink: stopMailLink(recipient.membershipPublicId) }
      const delivered = await sendMail({
        to: recipient.email,
        subject: digest.subject,
        text: await edge.render('emails/weekly_digest_text', data),
        html: await edge.render('emails/weekly_digest_html', data),
      })
      if (delivered) sent++
    }
    return sent
  }
}

/** each agreement's adherence over the digest's week */
async function measured(agreements: AgreementRow[], period: Period, now: Date) {
  const rows = []
  for (const agreement of agreements) {
    const result = await adherence(agreement, period, now)
    rows.push({
      ...agreement,
      measured: result,
      holds: result.percent === null ? null : result.percent >= agreement.targetPercent,
    })
  }
  return rows
}
