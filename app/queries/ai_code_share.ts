import db from '@adonisjs/lucid/services/db'
import { aiSharePercent } from '#services/ai_code/composition'
import { repositoryClauses } from '#services/insights/scope'
import type { InsightScope } from '#services/insights/types'

export type CompositionShare = {
  ai: number
  blended: number
  human: number
  /** AI and blended lines over every attributed line, in %; null when no line is attributed */
  share: number | null
  repositories: number
}

/**
 * The organisation's AI share from the GBOM composition (docs/ai_code.md)
 * as it stood at the end of each given UTC day: per repository the latest
 * composition point of that day or before, summed; a product scope
 * counts its repositories only. One query for every day asked.
 */
export async function compositionShares(
  scope: InsightScope,
  days: string[]
): Promise<Map<string, CompositionShare>> {
  const shares = new Map<string, CompositionShare>()
  if (days.length === 0) return shares
  const last = [...days].sort().at(-1)!
  const bindings: Array<string | number> = []
  const clauses = repositoryClauses(scope, 'p', bindings)
  const points = await db
    .from('ai_code_composition_points as p')
    .where('p.organization_id', scope.organizationId)
    .where('p.day', '<=', last)
    .if(clauses.length > 0, (query) => query.whereRaw(clauses.join(' AND '), bindings))
    .orderBy('p.day')
    .select('repository_id', 'day', 'ai_lines', 'blended_lines', 'human_lines')
  for (const day of days) {
    const latest = new Map<number, (typeof points)[number]>()
    for (const point of points) {
      if (point.day > day) break
      latest.set(Number(point.repository_id), point)
    }
    const sum = { ai: 0, blended: 0, human: 0 }
    for (const point of latest.values()) {
      sum.ai += Number(point.ai_lines)
      sum.blended += Number(point.blended_lines)
      sum.human += Number(point.human_lines)
    }
    const attributed = sum.ai + sum.blended + sum.human
    shares.set(day, {
      ...sum,
      share: attributed === 0 ? null : aiSharePercent(sum),
      repositories: latest.size,
    })
  }
  return shares
}

export type Lines = { ai: number; blended: number; human: number; share: number | null }

/**
 * The composition of each repository of the organisation, and of each
 * product (its repositories summed), as it stood at the end of `day`:
 * each repository at its latest composition point on or before it. Two
 * queries whatever the number of repositories or products. A repository
 * or product without a point is absent.
 */
export async function compositionsOn(organizationId: number, day: string) {
  // one statement (the Executive Summary counts its queries): each
  // repository's latest point on or before the day, once per product it
  // belongs to (the unique (repository_id, day) index finds the latest)
  const rows = await db
    .from('ai_code_composition_points as p')
    .leftJoin('product_repositories as pr', (join) => {
      join
        .on('pr.repository_id', '=', 'p.repository_id')
        .andOn('pr.organization_id', '=', 'p.organization_id')
    })
    .where('p.organization_id', organizationId)
    .where(
      'p.day',
      db
        .from('ai_code_composition_points as q')
        .whereColumn('q.repository_id', 'p.repository_id')
        .where('q.day', '<=', day)
        .max('q.day')
    )
    .select('p.repository_id', 'p.ai_lines', 'p.blended_lines', 'p.human_lines', 'pr.product_id')
  const repositories = new Map<number, Lines>()
  const products = new Map<number, Lines>()
  for (const row of rows) {
    const lines = {
      ai: Number(row.ai_lines),
      blended: Number(row.blended_lines),
      human: Number(row.human_lines),
    }
    repositories.set(Number(row.repository_id), { ...lines, share: shareOf(lines) })
    if (row.product_id === null) continue
    const sum = products.get(Number(row.product_id)) ?? { ai: 0, blended: 0, human: 0, share: null }
    sum.ai += lines.ai
    sum.blended += lines.blended
    sum.human += lines.human
    sum.share = shareOf(sum)
    products.set(Number(row.product_id), sum)
  }
  return { repositories, products }
}

function shareOf(lines: { ai: number; blended: number; human: number }) {
  return lines.ai + lines.blended + lines.human === 0 ? null : aiSharePercent(lines)
}
