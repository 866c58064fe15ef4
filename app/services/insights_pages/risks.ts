import type { MetricSummary, ScorePoint, VulnerabilityOverview } from '#services/insights/types'
import type { ExploitExposure } from '#queries/vulnerability_trend'
import { describeDelta } from '#services/insights_pages/kpis'
import { formatHours, formatNumber, formatPercent } from '#services/insights_pages/format'

export type Risk = {
  /**
   * 3 = act now, 2 = watch closely, 1 = worth a look.
   */
  weight: 1 | 2 | 3
  level: 'high' | 'medium' | 'low'
  title: string
  detail: string
}

export type RiskInput = {
  current: MetricSummary
  previous: MetricSummary
  vulnerabilities: VulnerabilityOverview
  scoreHistory: ScorePoint[]
  periodDays: number
  /** open critical and high vulnerabilities with a known exploit or a fix (Snyk), when known */
  exposure?: ExploitExposure[]
}

/**
 * Thresholds an engineering leader would call out (DORA's "low
 * performer" bands, common review and size guidance).
 */
export const RISK_THRESHOLDS = {
  slowerCycleTimePercent: 20,
  changeFailureRatePercent: 15,
  firstReviewHours: 24,
  prSizeLines: 400,
  bugRateRisePoints: 5,
  scoreDropPoints: 5,
  staleVulnerabilityDays: 90,
}

const LEVEL = { 3: 'high', 2: 'medium', 1: 'low' } as const

function plural(count: number, one: string, many = `${one}s`) {
  return `${formatNumber(count, 0)} ${count === 1 ? one : many}`
}

/**
 * The organisation's top risks, written from the numbers in plain words
 * for someone who will not open a chart: most urgent first, at most
 * `limit`.
 */
export function topRisks(input: RiskInput, limit = 5): Risk[] {
  const risks: Omit<Risk, 'level'>[] = []
  const { current, previous, vulnerabilities } = input
  const period = `the previous ${input.periodDays} days`

  const critical = vulnerabilities.bySeverity.critical
  const high = vulnerabilities.bySeverity.high
  // a known exploit with a fix available is the most urgent finding there is: attackers
  // know how to use it and the way to close it is known too
  for (const exposed of input.exposure ?? []) {
    if (exposed.exploitedAndFixable === 0) continue
    const noun =
      exposed.severity === 'critical'
        ? ['critical vulnerability', 'critical vulnerabilities']
        : ['high-severity vulnerability', 'high-severity vulnerabilities']
    risks.push({
      weight: 3,
      title: `${plural(exposed.exploitedAndFixable, noun[0], noun[1])} with a known exploit and a fix available${exposed.oldestDays !== null ? `, open ${plural(exposed.oldestDays, 'day')}` : ''}`,
      detail:
        'Attackers know how to use them and an upgrade or patch closes them: fix these first.',
    })
  }
  const criticalExposure = input.exposure?.find((exposed) => exposed.severity === 'critical')
  // said only when known: a provider that reports neither leaves the sentence out
  const weighedParts = criticalExposure
    ? [
        criticalExposure.exploited > 0
          ? `${plural(criticalExposure.exploited, 'has', 'have')} a known exploit`
          : null,
        criticalExposure.fixable > 0
          ? `${plural(criticalExposure.fixable, 'has', 'have')} a fix available`
          : null,
      ].filter(Boolean)
    : []
  const weighed = weighedParts.length ? ` ${weighedParts.join(', ')}.` : ''
  if (critical.open > 0) {
    risks.push({
      weight: 3,
      title: `${plural(critical.open, 'critical vulnerability', 'critical vulnerabilities')} open`,
      detail:
        (critical.oldestDays !== null
          ? `The oldest has been open for ${plural(critical.oldestDays, 'day')}; critical findings should be fixed within days.`
          : 'Critical findings should be fixed within days.') + weighed,
    })
  }
  const staleHigh =
    high.ages.from90to180 + high.ages.over180 + critical.ages.from90to180 + critical.ages.over180
  if (staleHigh > 0) {
    risks.push({
      weight: 3,
      title: `${plural(staleHigh, 'serious vulnerability', 'serious vulnerabilities')} older than ${RISK_THRESHOLDS.staleVulnerabilityDays} days`,
      detail:
        'Critical and high findings this old usually break the remediation SLA auditors check.',
    })
  } else if (high.open > 0) {
    risks.push({
      weight: 2,
      title: `${plural(high.open, 'high-severity vulnerability', 'high-severity vulnerabilities')} open`,
      detail: 'None is past 90 days yet; keep them moving.',
    })
  }

  const failureRate = current.changeFailureRate
  if (failureRate !== null && failureRate > RISK_THRESHOLDS.changeFailureRatePercent) {
    risks.push({
      weight: 3,
      title: `${formatPercent(failureRate)} of deployments caused a failure`,
      detail: `Above the ${RISK_THRESHOLDS.changeFailureRatePercent}% that separates good from struggling teams (${formatPercent(previous.changeFailureRate)} in ${period}).`,
    })
  }

  const cycle = describeDelta('hours', current.cycleTime.totalHours, previous.cycleTime.totalHours)
  if (cycle.change !== Infinity && cycle.change >= RISK_THRESHOLDS.slowerCycleTimePercent) {
    const phases = [
      ['coding', current.cycleTime.codingHours, previous.cycleTime.codingHours],
      ['waiting for review', current.cycleTime.pickupHours, previous.cycleTime.pickupHours],
      ['in review', current.cycleTime.reviewHours, previous.cycleTime.reviewHours],
      ['waiting to deploy', current.cycleTime.deployHours, previous.cycleTime.deployHours],
    ] as const
    const worst = [...phases].sort(
      (a, b) => (b[1] ?? 0) - (b[2] ?? 0) - ((a[1] ?? 0) - (a[2] ?? 0))
    )[0]
    risks.push({
      weight: 2,
      title: `Pull requests take ${cycle.change}% longer to ship`,
      detail: `Cycle time is ${formatHours(current.cycleTime.totalHours)}, up from ${formatHours(previous.cycleTime.totalHours)}; most of the extra time is spent ${worst[0]}.`,
    })
  }

  if (
    current.firstReviewHours !== null &&
    current.firstReviewHours > RISK_THRESHOLDS.firstReviewHours
  ) {
    risks.push({
      weight: 2,
      title: `Reviews start after ${formatHours(current.firstReviewHours)}`,
      detail: 'Authors wait more than a day for a first look, which slows every change.',
    })
  }

  if (current.prSizeLines !== null && current.prSizeLines > RISK_THRESHOLDS.prSizeLines) {
    risks.push({
      weight: 1,
      title: `Pull requests average ${formatNumber(current.prSizeLines, 0)} changed lines`,
      detail: `Changes over ${RISK_THRESHOLDS.prSizeLines} lines are reviewed less carefully and fail more often.`,
    })
  }

  const bugs = describeDelta('percent', current.bugRate, previous.bugRate)
  if (bugs.change >= RISK_THRESHOLDS.bugRateRisePoints) {
    risks.push({
      weight: 2,
      title: `Bugs are ${formatPercent(current.bugRate)} of new issues`,
      detail: `Up ${bugs.delta?.replace(/^\+/, '')} from ${formatPercent(previous.bugRate)} in ${period}: quality is slipping.`,
    })
  }

  const history = input.scoreHistory
  if (history.length >= 2) {
    const drop = history[0].score - history.at(-1)!.score
    if (drop >= RISK_THRESHOLDS.scoreDropPoints) {
      risks.push({
        weight: 2,
        title: `The organisation score fell ${drop} points`,
        detail: `From ${history[0].score} on ${history[0].day} to ${history.at(-1)!.score} on ${history.at(-1)!.day}.`,
      })
    }
  }

  if (current.pullRequestsMerged === 0 && previous.pullRequestsMerged > 0) {
    risks.push({
      weight: 2,
      title: 'No pull request was merged in this period',
      detail: `${plural(previous.pullRequestsMerged, 'pull request was', 'pull requests were')} merged in ${period}: check that the integrations still sync.`,
    })
  }

  return risks
    .map((risk, order) => ({ ...risk, order }))
    .sort((a, b) => b.weight - a.weight || a.order - b.order)
    .slice(0, limit)
    .map(({ order: _order, ...risk }) => ({ ...risk, level: LEVEL[risk.weight] }))
}
