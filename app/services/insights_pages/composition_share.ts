import { compositionShares } from '#queries/ai_code_share'
import type { DateRange } from '#services/insights_pages/date_range'
import type { InsightScope, MetricSummary, SeriesPoint } from '#services/insights/types'

/**
 * The AI share of the period's end, of the previous period's end and of
 * each chart point's last day, from the GBOM composition: AI and blended
 * lines over every attributed line of the scope's repositories (the organisation's or a product's),
 * each repository at its latest composition point (docs/ai_code.md).
 * It replaces the trailer count in the summaries and the series.
 */
export async function withCompositionShare(
  scope: InsightScope,
  range: DateRange,
  trend: { current: MetricSummary; previous: MetricSummary },
  series: SeriesPoint[]
) {
  const ends = series.map((_point, index) => {
    const next = series[index + 1]
    if (!next) return range.to
    const day = new Date(`${next.day}T00:00:00Z`)
    day.setUTCDate(day.getUTCDate() - 1)
    return day.toISOString().slice(0, 10)
  })
  const shares = await compositionShares(scope, [range.to, range.previous.to, ...ends])
  const withShare = (summary: MetricSummary, day: string): MetricSummary => {
    const share = shares.get(day)!
    return {
      ...summary,
      aiShare: share.share,
      aiCodeLines: share.ai + share.blended + share.human,
      aiLines: { ai: share.ai, blended: share.blended, human: share.human },
    }
  }
  series.forEach((point, index) => {
    point.values.aiShare = shares.get(ends[index])!.share
  })
  return {
    current: withShare(trend.current, range.to),
    previous: withShare(trend.previous, range.previous.to),
  }
}
