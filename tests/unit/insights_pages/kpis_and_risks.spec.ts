import { test } from '@japa/runner'
import { describeDelta, EXECUTIVE_KPIS, kpiCards } from '#services/insights_pages/kpis'
import { topRisks } from '#services/insights_pages/risks'
import { formatHours, formatPercent } from '#services/insights_pages/format'
import { emptyPercentiles } from '#services/insights/percentiles'
import type { MetricSummary, VulnerabilityOverview } from '#services/insights/types'

function withMedianCycle(hours: number) {
  return { ...emptyPercentiles(), cycle: { count: 8, median: hours, p75: null, p90: null } }
}

function summary(overrides: Partial<MetricSummary> = {}): MetricSummary {
  return {
    pullRequestsOpened: 10,
    pullRequestsMerged: 8,
    throughputPerWeek: 2,
    cycleTime: {
      codingHours: 10,
      pickupHours: 4,
      reviewHours: 6,
      deployHours: 2,
      totalHours: 22,
      deployedCount: 8,
      toMergeHours: null,
      toMergeCount: 0,
    },
    firstReviewHours: 4,
    prSizeLines: 120,
    deployments: 6,
    deploymentFrequencyPerWeek: 1.5,
    leadTimeHours: 30,
    leadTimeByPullRequest: 0,
    failedDeployments: 0,
    changeFailureRate: 0,
    timeToRestoreHours: null,
    issuesOpened: 10,
    bugsOpened: 2,
    bugRate: 20,
    commits: 40,
    aiAssistedCommits: 10,
    aiShare: 25,
    percentiles: withMedianCycle(22),
    ...overrides,
  }
}

const ages = { under30: 0, from30to90: 0, from90to180: 0, over180: 0 }

function vulnerabilities(
  open: Partial<
    Record<
      'critical' | 'high' | 'medium' | 'low',
      { open: number; ages?: Partial<typeof ages>; oldestDays?: number }
    >
  > = {}
): VulnerabilityOverview {
  const row = (key: 'critical' | 'high' | 'medium' | 'low') => ({
    open: open[key]?.open ?? 0,
    ages: { ...ages, ...open[key]?.ages },
    oldestDays: open[key]?.oldestDays ?? null,
  })
  const bySeverity = {
    critical: row('critical'),
    high: row('high'),
    medium: row('medium'),
    low: row('low'),
  }
  return {
    total: Object.values(bySeverity).reduce((sum, entry) => sum + entry.open, 0),
    bySeverity,
  }
}

test.group('Insights pages | KPI cards', () => {
  test('changes read as people say them: percentages by points, the rest relatively', ({
    assert,
  }) => {
    assert.deepInclude(describeDelta('hours', 30, 20), { delta: '+50%', direction: 'up' })
    assert.deepInclude(describeDelta('count', 15, 20), { delta: '−25%', direction: 'down' })
    assert.deepInclude(describeDelta('percent', 12.5, 10), { delta: '+2.5 pts', direction: 'up' })
    assert.deepInclude(describeDelta('count', 4, 0), { delta: 'new', direction: 'up' })
    assert.deepInclude(describeDelta('count', 0, 0), { delta: '±0%', direction: 'flat' })
    assert.deepInclude(describeDelta('hours', null, 3), { delta: null, direction: 'flat' })
  })

  test('a card is green when the metric moved the good way, red otherwise', ({ assert }) => {
    const cards = kpiCards(
      EXECUTIVE_KPIS,
      summary({ percentiles: withMedianCycle(11), throughputPerWeek: 1 }),
      summary(),
      [],
      30
    )
    const cycle = cards.find((card) => card.key === 'cycle_time')!
    assert.deepInclude(cycle, { value: '11 h', delta: '−50%', direction: 'down', tone: 'good' })
    assert.equal(cycle.deltaLabel, '−50% versus the previous 30 days (22 h)')
    const throughput = cards.find((card) => card.key === 'throughput')!
    assert.deepInclude(throughput, { delta: '−50%', tone: 'bad' })
    const ai = cards.find((card) => card.key === 'ai_share')!
    assert.equal(ai.tone, 'neutral')
    assert.lengthOf(cards, 10)
  })

  test('hours and percentages format for reading', ({ assert }) => {
    assert.equal(formatHours(0.5), '30 min')
    assert.equal(formatHours(5), '5 h')
    assert.equal(formatHours(36.25), '36.3 h')
    assert.equal(formatHours(72), '3 days')
    assert.equal(formatHours(null), '–')
    assert.equal(formatPercent(12.04), '12%')
    assert.equal(formatPercent(null), '–')
  })
})

test.group('Insights pages | top risks', () => {
  const base = { scoreHistory: [], periodDays: 30 }

  test('a quiet period has no risk', ({ assert }) => {
    assert.deepEqual(
      topRisks({
        ...base,
        current: summary(),
        previous: summary(),
        vulnerabilities: vulnerabilities(),
      }),
      []
    )
  })

  test('open critical findings come first, in plain words with their age', ({ assert }) => {
    const risks = topRisks({
      ...base,
      current: summary({ firstReviewHours: 30 }),
      previous: summary(),
      vulnerabilities: vulnerabilities({
        critical: { open: 2, oldestDays: 12, ages: { under30: 2 } },
      }),
    })
    assert.deepEqual(risks[0], {
      weight: 3,
      level: 'high',
      title: '2 critical vulnerabilities open',
      detail:
        'The oldest has been open for 12 days; critical findings should be fixed within days.',
    })
    assert.equal(risks[1].title, 'Reviews start after 30 h')
    assert.equal(risks[1].level, 'medium')
  })

  test('a slower cycle time names the phase that grew most', ({ assert }) => {
    const [risk] = topRisks({
      ...base,
      current: summary({
        cycleTime: {
          codingHours: 11,
          pickupHours: 20,
          reviewHours: 6,
          deployHours: 2,
          totalHours: 39,
          deployedCount: 8,
          toMergeHours: null,
          toMergeCount: 0,
        },
      }),
      previous: summary(),
      vulnerabilities: vulnerabilities(),
    })
    assert.equal(risk.title, 'Pull requests take 77% longer to ship')
    assert.equal(
      risk.detail,
      'Cycle time is 39 h, up from 22 h; most of the extra time is spent waiting for review.'
    )
  })

  test('failure rate, stale findings, bug rate and a falling score are all called out, five at most', ({
    assert,
  }) => {
    const risks = topRisks({
      current: summary({
        changeFailureRate: 25,
        bugRate: 30,
        prSizeLines: 900,
        pullRequestsMerged: 8,
      }),
      previous: summary({ changeFailureRate: 10, bugRate: 20 }),
      vulnerabilities: vulnerabilities({ high: { open: 3, ages: { over180: 1, under30: 2 } } }),
      scoreHistory: [
        { day: '2026-11-01', score: 70, missing: [] },
        { day: '2026-11-30', score: 61, missing: [] },
      ],
      periodDays: 30,
    })
    assert.lengthOf(risks, 5)
    assert.deepEqual(
      risks.map((risk) => risk.title),
      [
        '1 serious vulnerability older than 90 days',
        '25% of deployments caused a failure',
        'Bugs are 30% of new issues',
        'The organisation score fell 9 points',
        'Pull requests average 900 changed lines',
      ]
    )
  })

  test('the lead time card says how many lead times were measured per pull request', ({
    assert,
  }) => {
    const leadTimes = (count: number) => ({
      ...emptyPercentiles(),
      lead_time: { count, median: 5, p75: null, p90: null },
    })
    const caption = (current: MetricSummary) =>
      kpiCards(EXECUTIVE_KPIS, current, summary(), [], 30).find((card) => card.key === 'lead_time')!
        .caption
    assert.isNull(caption(summary({ percentiles: leadTimes(10), leadTimeByPullRequest: 0 })))
    assert.equal(
      caption(summary({ percentiles: leadTimes(10), leadTimeByPullRequest: 4 })),
      '4 of 10 measured per pull request (no commit history from their code host)'
    )
    assert.equal(
      caption(summary({ percentiles: leadTimes(3), leadTimeByPullRequest: 3 })),
      'Measured per pull request: the code host gave no commit history'
    )
  })
})
