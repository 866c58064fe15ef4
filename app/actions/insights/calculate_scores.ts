import db from '@adonisjs/lucid/services/db'
import lock from '@adonisjs/lock/services/main'
import { today } from '#services/insights/dialect'
import { organizationTimeZone } from '#services/insights/time_zone'
import { insightsWriteLock, invalidateInsights } from '#services/insights/cache'
import { lastDays, vulnerabilityOverviews } from '#services/insights/metrics'
import { summarizeOrganizationWithProducts } from '#services/insights/organization_summary'
import {
  SCORE_METRICS,
  SCORED_DURATIONS,
  combineScores,
  percentileScore,
  type Direction,
} from '#services/insights/scores'
import { sqlTime } from '#services/sql'
import { compositionShares, compositionsOn } from '#queries/ai_code_share'
import type {
  Day,
  MetricSummary,
  ScoreComponent,
  ScoreMetricKey,
  VulnerabilityOverview,
} from '#services/insights/types'

/** scores look at the last 90 days, so one slow week moves them but does not swing them */
export const SCORE_WINDOW_DAYS = 90

type Reference = { name: string; direction: Direction; weight: number; values: number[] }

export type CalculateScoresResult = {
  day: Day
  organizations: number
  points: number
  /** points whose score is incomplete (a metric without enough data) */
  incomplete: number
  metrics: number
}

/**
 * Turns each organisation's (and each of its products') metrics over the
 * last 90 days into 0–100 scores: every metric with reference records is
 * scored by its percentile rank among them, and the weighted mean of
 * those scores is the product's or organisation's score. One point per
 * (organisation, product or none, day), replaced when run again the
 * same day. Reads the daily rollup, so run it after the rollup.
 */
export default class CalculateScores {
  async execute(
    input: { organizationId?: number; day?: Day } = {}
  ): Promise<CalculateScoresResult> {
    const day = input.day ?? today()
    const references = await this.#references()
    const organizations = input.organizationId
      ? [input.organizationId]
      : await db
          .from('organizations')
          .orderBy('id')
          .then((rows) => rows.map((row) => row.id as number))
    let points = 0
    let incomplete = 0
    for (const organizationId of organizations) {
      // without a day given, each organisation is scored on its own today (its time zone)
      const own = input.day ?? today(undefined, await organizationTimeZone(organizationId))
      const written = await this.#scoreOrganization(organizationId, own, references)
      points += written.points
      incomplete += written.incomplete
      await invalidateInsights(organizationId)
    }
    return {
      day,
      organizations: organizations.length,
      points,
      incomplete,
      metrics: references.size,
    }
  }

  async #scoreOrganization(
    organizationId: number,
    day: Day,
    references: Map<ScoreMetricKey, Reference>
  ) {
    const scope = { organizationId, ...lastDays(SCORE_WINDOW_DAYS, day) }
    // the AI share is the code's composition on the day (docs/ai_code.md), not commit trailers
    const compositions = await compositionsOn(organizationId, day)
    const shares = await compositionShares(scope, [day])
    const organizationShare = shares.get(day)!.share
    const summaries = await summarizeOrganizationWithProducts(scope, SCORED_DURATIONS)
    const summary = { ...summaries.organization, aiShare: organizationShare }
    const vulnerabilities = await vulnerabilityOverviews(scope, summaries.productRepositories)
    const counted = await db
      .from('repositories')
      .where('organization_id', organizationId)
      .count('* as total')
      .first()
    const repositories = Number(counted?.total ?? 0)
    const rows: Array<{
      productId: number | null
      score: number
      components: ScoreComponent[]
      missing: string[]
    }> = []
    const organizationScore = this.#score(
      references,
      summary,
      vulnerabilities.organization,
      repositories
    )
    if (organizationScore) rows.push({ productId: null, ...organizationScore })
    for (const [index, product] of summaries.products.entries()) {
      const productScore = this.#score(
        references,
        {
          ...product.summary,
          aiShare: compositions.products.get(product.productId)?.share ?? null,
        },
        vulnerabilities.groups[index],
        product.repositoryCount
      )
      if (productScore) rows.push({ productId: product.productId, ...productScore })
    }
    // one writer per organisation: two runs of the same day would both insert
    const [acquired] = await lock.createLock(insightsWriteLock(organizationId), '10m').run(() =>
      db.transaction(async (trx) => {
        await trx
          .from('score_points')
          .where('organization_id', organizationId)
          .where('day', day)
          .delete()
        if (rows.length === 0) return
        const now = sqlTime()
        await trx.table('score_points').multiInsert(
          rows.map((row) => ({
            organization_id: organizationId,
            product_id: row.productId,
            day,
            score: row.score,
            components: JSON.stringify(row.components),
            missing: row.missing.length ? row.missing.join('; ') : null,
            created_at: now,
          }))
        )
      })
    )
    if (!acquired) throw new Error('The scores of this organisation are being written')
    return {
      points: rows.length,
      incomplete: rows.filter((row) => row.missing.length > 0).length,
    }
  }

  /**
   * The components that can be scored, and what is missing: a metric
   * without data or below its minimum sample names itself ("no
   * deployments"), and the score is then incomplete rather than a better
   * number computed from what is left. Metrics of one group (cycle time
   * and lead time) share their weight; neutral metrics are not scored.
   */
  #score(
    references: Map<ScoreMetricKey, Reference>,
    summary: MetricSummary,
    vulnerabilities: VulnerabilityOverview,
    repositories: number
  ) {
    const inputs = { summary, vulnerabilities, repositories, weeks: SCORE_WINDOW_DAYS / 7 }
    const components: ScoreComponent[] = []
    const missing = new Set<string>()
    const groups = new Map<string, number>()
    for (const [metric, reference] of references) {
      const definition = SCORE_METRICS[metric]
      if (definition.neutral) continue
      const short = definition.sample(inputs)
      if (short) {
        missing.add(short)
        continue
      }
      if (definition.applies && !definition.applies(inputs)) continue
      const value = definition.value(inputs)
      if (value === null) {
        missing.add(`no ${reference.name.toLowerCase()}`)
        continue
      }
      const score = percentileScore(value, reference.values, reference.direction)
      if (score === null) continue
      components.push({ metric, name: reference.name, value, score, weight: reference.weight })
      if (definition.group) groups.set(definition.group, (groups.get(definition.group) ?? 0) + 1)
    }
    for (const component of components) {
      const group = SCORE_METRICS[component.metric].group
      if (group) component.weight = component.weight / (groups.get(group) ?? 1)
    }
    // nothing scored at all is no score, not an incomplete one
    const score = combineScores(components)
    return score === null ? null : { score, components, missing: [...missing] }
  }

  /** every reference metric that has records, with its values (one query) */
  async #references() {
    const rows = await db
      .from('reference_metrics as m')
      .join('reference_records as r', 'r.reference_metric_id', 'm.id')
      .select('m.key', 'm.name', 'm.direction', 'm.weight', 'r.value')
      .orderBy('m.key')
    const references = new Map<ScoreMetricKey, Reference>()
    for (const row of rows) {
      if (!(row.key in SCORE_METRICS)) continue
      const reference: Reference = references.get(row.key) ?? {
        name: row.name,
        direction: row.direction,
        weight: Number(row.weight),
        values: [],
      }
      reference.values.push(Number(row.value))
      references.set(row.key, reference)
    }
    return references
  }
}
