import type { ChatCompletionMessage } from '#plugin-sdk/chat_completion'
import { BASELINE_WEEKS, WATCHED_METRICS, type WatchedMetric } from '#services/insights/anomalies'

/** a stored finding as the narrative sees it: the anomaly and the rows that explain it */
export type NarratedFinding = {
  metric: string
  from: string
  to: string
  direction: 'up' | 'down'
  value: number
  expected: number
  score: number
  summary: string
  repositories: Array<{ repository: string; value: number; expected: number; change: number }>
}

/** the longest narrative asked for: two or three sentences */
export const NARRATIVE_MAX_TOKENS = 200

/** one instruction a line: a changed instruction shows as one changed line in a cassette's diff */
const INSTRUCTIONS = [
  "You explain one change in a software organisation's delivery figures to its engineering managers.",
  'Write two or three short sentences of plain language, no lists, no headings.',
  'Use only the facts given: cite the repositories listed with their figures.',
  'Name no other repository, person, team or cause, and do not guess at reasons the facts do not show.',
  'If the facts cannot explain the change, say so.',
].join('\n')

/**
 * The messages for one finding: the instructions, then the anomaly and
 * its explaining rows and nothing else (no names of people, no other
 * metric), so the model can only cite what the finding holds. Changing
 * this text changes every recorded request: re-record the cassettes
 * (docs/testing.md).
 */
export function narrativePrompt(finding: NarratedFinding): ChatCompletionMessage[] {
  const label = WATCHED_METRICS[finding.metric as WatchedMetric] ?? finding.metric
  const rows = finding.repositories.map(
    (row) =>
      `- ${row.repository}: ${row.value} against ${row.expected} usually (${row.change > 0 ? '+' : ''}${row.change})`
  )
  const facts = [
    `Finding: ${finding.summary}`,
    `Metric: ${label}`,
    `Days: ${finding.from} to ${finding.to}`,
    `Total on those days: ${finding.value}; usual: ${finding.expected} (the same weekdays of the ${BASELINE_WEEKS} weeks before)`,
    `Direction: ${finding.direction === 'up' ? 'above' : 'below'} usual; robust z-score ${finding.score}`,
    rows.length
      ? `Repositories behind the change:\n${rows.join('\n')}`
      : 'No repository stands out: the change is spread thinly.',
  ]
  return [
    { role: 'system', content: INSTRUCTIONS },
    { role: 'user', content: facts.join('\n') },
  ]
}
