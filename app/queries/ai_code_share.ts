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
