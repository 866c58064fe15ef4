import db from '@adonisjs/lucid/services/db'
import { publicIds } from '#services/public_id'
import { aiSharePercent } from '#services/ai_code/composition'

type Lines = { ai: number; blended: number; human: number }

const zero = (): Lines => ({ ai: 0, blended: 0, human: 0 })
const add = (sum: Lines, lines: Lines) => {
  sum.ai += lines.ai
  sum.blended += lines.blended
  sum.human += lines.human
  return sum
}
const withShare = (lines: Lines) => ({ lines, aiSharePercent: aiSharePercent(lines) })

/** at most this many days back in the composition over time */
const HISTORY_DAYS = 365

/**
 * The organisation's composition sliced four ways, from the precomputed
 * GBOMs and their daily points, fenced to it: by product (a repository
 * in two products counts in both), by model (AI and blended lines, by
 * the model of the fact that won them), by language, and over time (per
 * UTC day, each repository at its latest point on or before that day).
 */
export async function compositionBreakdowns(organizationId: number) {
  const gboms = await db
    .from('ai_code_gboms')
    .where('organization_id', organizationId)
    .select('repository_id', 'ai_lines', 'blended_lines', 'human_lines', 'breakdown')
  const linesOf = new Map<number, Lines>()
  const byModel = new Map<string, number>()
  const byLanguage = new Map<string, Lines>()
  for (const row of gboms) {
    linesOf.set(Number(row.repository_id), {
      ai: Number(row.ai_lines),
      blended: Number(row.blended_lines),
      human: Number(row.human_lines),
    })
    const breakdown = parse(row.breakdown)
    for (const [model, lines] of Object.entries<number>(breakdown.byModel ?? {})) {
      byModel.set(model, (byModel.get(model) ?? 0) + Number(lines))
    }
    for (const [language, lines] of Object.entries<Lines>(breakdown.byLanguage ?? {})) {
      byLanguage.set(language, add(byLanguage.get(language) ?? zero(), lines))
    }
  }

  const memberships = await db
    .from('product_repositories')
    .join('products', 'products.id', 'product_repositories.product_id')
    .where('product_repositories.organization_id', organizationId)
    .where('products.organization_id', organizationId)
    .select('products.id', 'products.name', 'product_repositories.repository_id')
  const products = new Map<number, { name: string; lines: Lines }>()
  for (const row of memberships) {
    const lines = linesOf.get(Number(row.repository_id))
    if (!lines) continue
    const product = products.get(row.id) ?? { name: row.name, lines: zero() }
    add(product.lines, lines)
    products.set(row.id, product)
  }

  const since = new Date(Date.now() - HISTORY_DAYS * 86_400_000).toISOString().slice(0, 10)
  const points = await db
    .from('ai_code_composition_points')
    .where('organization_id', organizationId)
    .where('day', '>=', since)
    .orderBy('day')
    .select('repository_id', 'day', 'ai_lines', 'blended_lines', 'human_lines')
  const latest = new Map<number, Lines>()
  const overTime: Array<{ day: string; lines: Lines; aiSharePercent: number }> = []
  for (const [index, point] of points.entries()) {
    latest.set(Number(point.repository_id), {
      ai: Number(point.ai_lines),
      blended: Number(point.blended_lines),
      human: Number(point.human_lines),
    })
    if (points[index + 1]?.day === point.day) continue
    const total = [...latest.values()].reduce(add, zero())
    overTime.push({ day: point.day, ...withShare(total) })
  }

  const codec = publicIds('product')
  return {
    byProduct: [...products.entries()]
      .map(([id, product]) => ({
        product: { publicId: codec.encode(id), name: product.name },
        ...withShare(product.lines),
      }))
      .sort((a, b) => a.product.name.localeCompare(b.product.name)),
    byModel: [...byModel.entries()]
      .map(([model, lines]) => ({ model: model || null, lines }))
      .sort((a, b) => b.lines - a.lines),
    byLanguage: [...byLanguage.entries()]
      .map(([language, lines]) => ({ language: language || null, ...withShare(lines) }))
      .sort((a, b) => b.lines.ai + b.lines.blended - (a.lines.ai + a.lines.blended)),
    overTime,
  }
}

function parse(raw: unknown): {
  byModel?: Record<string, number>
  byLanguage?: Record<string, Lines>
} {
  try {
    return JSON.parse(String(raw ?? '{}')) ?? {}
  } catch {
    return {}
  }
}
