import db from '@adonisjs/lucid/services/db'
import { publicIds } from '#services/public_id'
import { aiSharePercent as share } from '#services/ai_code/composition'
import { compositionBreakdowns } from '#queries/ai_code_breakdowns'

/**
 * The organisation's composition from its precomputed GBOMs: per
 * repository (public ids only) and in total, by product, model and
 * language, and over time. Lines are those the facts cover: AI, blended
 * and human.
 */
export default class ListCompositions {
  async execute(organizationId: number) {
    const rows = await db
      .from('ai_code_gboms')
      .join('repositories', 'repositories.id', 'ai_code_gboms.repository_id')
      .where('ai_code_gboms.organization_id', organizationId)
      .where('repositories.organization_id', organizationId)
      .orderBy('repositories.full_name')
      .select(
        'repositories.id',
        'repositories.name',
        'repositories.full_name',
        'ai_code_gboms.ai_lines',
        'ai_code_gboms.blended_lines',
        'ai_code_gboms.human_lines'
      )
    const codec = publicIds('repository')
    const repositories = rows.map((row) => {
      const lines = {
        ai: Number(row.ai_lines),
        blended: Number(row.blended_lines),
        human: Number(row.human_lines),
      }
      return {
        repository: {
          publicId: codec.encode(Number(row.id)),
          name: row.name,
          fullName: row.full_name,
        },
        lines,
        aiSharePercent: share(lines),
      }
    })
    const totals = repositories.reduce(
      (sum, item) => ({
        ai: sum.ai + item.lines.ai,
        blended: sum.blended + item.lines.blended,
        human: sum.human + item.lines.human,
      }),
      { ai: 0, blended: 0, human: 0 }
    )
    return {
      repositories,
      totals: { lines: totals, aiSharePercent: share(totals) },
      ...(await compositionBreakdowns(organizationId)),
    }
  }
}
