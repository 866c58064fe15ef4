import { barChart, renderFigure } from '#services/charts/index'
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
  figure: string
}

function adherenceFigure(agreement: AgreementRow, history: WeeklyAdherence[]) {
  return renderFigure(
    barChart({
      title: `Adherence to “${agreement.description}” ${agreement.scopeLabel}, week by week`,
      description: `Share of ${AGREEMENT_KINDS[agreement.kind].rows} that met the agreement each week; the target is ${agreement.targetPercent}%.`,
      bars: history.map((week) => ({
        label: week.label,
        value: week.percent ?? 0,
        className: week.holds === false ? 'chart-bad' : 'chart-good',
      })),
      format: (value) => `${value}%`,
    })
  )
}

/**
 * Everything the working agreements page shows: each agreement with its
 * adherence this week and the seven before, the alert webhook's host,
 * and whether the member receives insights mail.
 */
export async function agreementsPage(organizationId: number, membershipId: number, now: Date) {
  const agreements: AgreementView[] = []
  for (const agreement of await listAgreements(organizationId)) {
    const history = await adherenceHistory(agreement, now)
    const current = await adherence(agreement, trailingWeek(now), now)
    agreements.push({
      ...agreement,
      history,
      current: {
        ...current,
        holds: current.percent === null ? null : current.percent >= agreement.targetPercent,
      },
      figure: adherenceFigure(agreement, history),
    })
  }
  const webhook = await alertWebhookUrl(organizationId)
  return {
    agreements,
    kinds: AGREEMENT_KIND_NAMES.map((name) => ({ name, ...AGREEMENT_KINDS[name] })),
    webhookHost: webhook ? webhookHost(webhook) : null,
    receivesMail: (await insightsMailStoppedAt(membershipId)) === null,
  }
}
