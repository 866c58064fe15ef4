import { AGREEMENT_KINDS, AGREEMENT_KIND_NAMES } from '#services/agreements/kinds'
import { alertWebhookUrl, webhookHost } from '#services/agreements/alert_webhook'
import { adherence, trailingWeek, type Adherence } from '#services/agreements/adherence'
import {
  adherenceHistory,
  insightsMailStoppedAt,
  listAgreements,
  type AgreementRow,
  type WeeklyAdherence,
} from '#queries/working_agreements'

export type AgreementView = AgreementRow & {
  /** the last seven days: what alerts judge */
  current: Adherence & { holds: boolean | null }
  history: WeeklyAdherence[]
}

/**
 * Everything the working agreements page shows: each agreement with its
 * adherence this week and the seven before, the alert webhook's host,
 * and whether the member receives insights mail.
 */
export async function agreementsPage(
  organizationId: number,
  membershipId: number,
  now: Date,
  /** 'organisation', a team's public id, or empty for all */
  scope = ''
) {
  const agreements: AgreementView[] = []
  const all = await listAgreements(organizationId)
  const shown = all.filter(
    (agreement) =>
      !scope ||
      (scope === 'organisation' ? agreement.teamId === null : agreement.teamPublicId === scope)
  )
  for (const agreement of shown) {
    const history = await adherenceHistory(agreement, now)
    const current = await adherence(agreement, trailingWeek(now), now)
    agreements.push({
      ...agreement,
      history,
      current: {
        ...current,
        holds: current.percent === null ? null : current.percent >= agreement.targetPercent,
      },
    })
  }
  const webhook = await alertWebhookUrl(organizationId)
  return {
    agreements,
    kinds: AGREEMENT_KIND_NAMES.map((name) => ({ name, ...AGREEMENT_KINDS[name] })),
    webhookHost: webhook ? webhookHost(webhook) : null,
    receivesMail: (await insightsMailStoppedAt(membershipId)) === null,
    scope,
  }
}
