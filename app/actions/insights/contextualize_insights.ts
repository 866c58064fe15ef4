import db from '@adonisjs/lucid/services/db'
import { Exception } from '@adonisjs/core/exceptions'
import {
  BASELINE_WEEKS,
  WATCHED_METRICS,
  anomalousRuns,
  describeRun,
  scoreDays,
  type Run,
  type WatchedMetric,
} from '#services/insights/anomalies'
import { dailyTotals, firstMetricDay, totalsByRepository } from '#queries/daily_series'
import { invalidateInsights } from '#services/insights/cache'
import NarrateFindings from '#actions/insights/narrate_findings'

export const PIPELINES = ['anomalies', 'summary'] as const
export type Pipeline = (typeof PIPELINES)[number]

/** a repository's share of a finding: its total on the anomalous days against the same weekdays before */
export type EvidenceRow = { repository: string; value: number; expected: number; change: number }

export type Finding = {
  metric: WatchedMetric
  from: string
  to: string
  direction: 'up' | 'down'
  value: number
  expected: number
  score: number
  summary: string
  evidence: EvidenceRow[]
}

export type ContextualizeReport = {
  day: string
  findings: Finding[]
  /** the model-written explanations stored for the day's findings, and the model */
  narratives: { model: string; narrated: number } | null
  /** pipelines asked for that did not run, with why (no chat model configured) */
  skipped: Array<{ pipeline: Pipeline; reason: string }>
  /** what went wrong without stopping the run (one finding's model call) */
  warnings: string[]
  /** pipelines asked for that could do nothing at all, with why */
  failed: Array<{ pipeline: Pipeline; reason: string }>
}

function addDays(day: string, count: number) {
  const date = new Date(`${day}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + count)
  return date.toISOString().slice(0, 10)
}

/**
 * The old "contextualization" pipelines, daily: the statistical pass
 * finds anomalies in the organisation's daily metrics over the `days`
 * before `day`, each with the repositories that explain it, and stores
 * them for that day (a rerun replaces them). The "summary" pipeline has
 * the organisation's chat model explain each stored finding in plain
 * language (NarrateFindings): without a model it is reported as skipped
 * and the statistical findings stand alone.
 */
export default class ContextualizeInsights {
  async execute(input: {
    organizationId: number
    days: number
    pipelines: Pipeline[]
    day?: string
  }): Promise<ContextualizeReport> {
    const day = input.day ?? new Date().toISOString().slice(0, 10)
    const report: ContextualizeReport = {
      day,
      findings: [],
      narratives: null,
      skipped: [],
      warnings: [],
      failed: [],
    }
    if (input.pipelines.includes('anomalies')) {
      report.findings = await this.#anomalies(input.organizationId, day, input.days)
      await this.#store(input.organizationId, day, report.findings)
    }
    if (input.pipelines.includes('summary')) await this.#summary(input.organizationId, report)
    return report
  }

  /**
   * The model's narratives of the day's stored findings. No model is a
   * skip, a failed call a warning with its finding still shown; only
   * when every call failed did the pipeline do nothing at all.
   */
  async #summary(organizationId: number, report: ContextualizeReport) {
    const outcome = await new NarrateFindings().execute({ organizationId, day: report.day })
    if (outcome.status === 'no_model') {
      report.skipped.push({ pipeline: 'summary', reason: outcome.reason })
      return
    }
    report.narratives = { model: outcome.model, narrated: outcome.narrated.length }
    for (const failure of outcome.failed) {
      report.warnings.push(`no narrative for "${failure.summary}": ${failure.error}`)
    }
    if (outcome.narrated.length === 0 && outcome.failed.length > 0) {
      report.failed.push({
        pipeline: 'summary',
        reason: `the chat model wrote none of ${outcome.failed.length} narratives`,
      })
    }
  }

  async #anomalies(organizationId: number, day: string, days: number): Promise<Finding[]> {
    const firstDay = await firstMetricDay(organizationId)
    if (!firstDay) return []
    const from = addDays(day, -days)
    const to = addDays(day, -1)
    const series = await dailyTotals(organizationId, {
      from: addDays(from, -7 * BASELINE_WEEKS),
      to,
    })
    const findings: Finding[] = []
    for (const metric of Object.keys(WATCHED_METRICS) as WatchedMetric[]) {
      const scores = scoreDays(series.get(metric)!, { from, to, firstDay })
      for (const run of anomalousRuns(metric, scores)) {
        findings.push({
          metric,
          from: run.from,
          to: run.to,
          direction: run.direction,
          value: run.value,
          expected: run.expected,
          score: Math.round(run.score * 100) / 100,
          summary: describeRun(run),
          evidence: await this.#evidence(organizationId, run),
        })
      }
    }
    return findings.sort((a, b) => b.score - a.score)
  }

  /** the repositories whose change explains the run most, largest first */
  async #evidence(organizationId: number, run: Run): Promise<EvidenceRow[]> {
    const days = run.days.map((entry) => entry.day)
    const earlier = days.flatMap((entry) =>
      Array.from({ length: BASELINE_WEEKS }, (_, week) => addDays(entry, -7 * (week + 1)))
    )
    const [now, before] = await Promise.all([
      totalsByRepository(organizationId, run.metric, days),
      totalsByRepository(organizationId, run.metric, earlier),
    ])
    const repositories = new Set([...now.keys(), ...before.keys()])
    return [...repositories]
      .map((repository) => {
        const value = now.get(repository) ?? 0
        const expected = Math.round(((before.get(repository) ?? 0) / BASELINE_WEEKS) * 10) / 10
        return { repository, value, expected, change: Math.round((value - expected) * 10) / 10 }
      })
      .filter((row) => row.change !== 0)
      .sort((a, b) => Math.abs(b.change) - Math.abs(a.change))
      .slice(0, 5)
  }

  async #store(organizationId: number, day: string, findings: Finding[]) {
    await db.transaction(async (trx) => {
      await trx
        .from('insight_findings')
        .where('organization_id', organizationId)
        .where('day', day)
        .where('pipeline', 'anomalies')
        .delete()
      if (findings.length === 0) return
      await trx
        .insertQuery()
        .table('insight_findings')
        .multiInsert(
          findings.map((finding) => ({
            organization_id: organizationId,
            day,
            pipeline: 'anomalies',
            metric: finding.metric,
            anomaly_day: finding.from,
            value: finding.value,
            expected: finding.expected,
            score: finding.score,
            summary: finding.summary,
            evidence: JSON.stringify({
              to: finding.to,
              direction: finding.direction,
              repositories: finding.evidence,
            }),
            created_at: new Date(),
          }))
        )
    })
    // the Executive Summary keeps its "What changed" with its other fragments
    await invalidateInsights(organizationId)
  }
}

/** "anomalies,summary" → the pipelines, or a refusal naming the known ones */
export function parsePipelines(value: string): Pipeline[] {
  const names = value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean)
  const unknown = names.filter((name) => !(PIPELINES as readonly string[]).includes(name))
  if (names.length === 0 || unknown.length > 0) {
    throw new Exception(
      `unknown pipeline${unknown.length === 1 ? '' : 's'} "${unknown.join(',') || value}" (known: ${PIPELINES.join(', ')})`,
      { status: 422, code: 'E_UNKNOWN_PIPELINE' }
    )
  }
  return [...new Set(names)] as Pipeline[]
}
