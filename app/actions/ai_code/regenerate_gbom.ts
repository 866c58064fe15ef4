import db from '@adonisjs/lucid/services/db'
import { repositoryComposition, type RepositoryComposition } from '#services/ai_code/composition'
import { cycloneDxBom } from '#services/ai_code/cyclonedx'
import { sqlTime } from '#services/sql'
import { invalidateInsights } from '#services/insights/cache'

/**
 * Rebuilds the GBOM (GenAI bill of materials, a CycloneDX 1.6 BOM) of an organisation's
 * repositories from the stored facts: every repository that has facts,
 * or only those named. The document carries no time of its own, so the
 * same facts give the same document. Each rebuild also records the day's
 * point of the composition over time (one per repository and UTC day,
 * the latest rebuild of the day winning). The organisation's cached
 * insights are dropped after it: their AI share is this composition.
 */
export default class RegenerateGbom {
  async execute(input: {
    organizationId: number
    repositoryIds?: number[]
    onProgress?: (done: number, total: number) => void
  }) {
    const query = db
      .from('ai_code_facts')
      .where('organization_id', input.organizationId)
      .distinct('repository_id')
    if (input.repositoryIds) query.whereIn('repository_id', input.repositoryIds)
    const rows = await query
    const repositories = rows.map((row) => Number(row.repository_id))
    let done = 0
    for (const repositoryId of repositories) {
      const composition = await repositoryComposition(input.organizationId, repositoryId)
      if (!composition) continue
      const document = JSON.stringify(cycloneDxBom(composition, { kind: 'repository' }))
      const values = {
        document,
        breakdown: JSON.stringify(breakdown(composition)),
        ai_lines: composition.totals.ai,
        blended_lines: composition.totals.blended,
        human_lines: composition.totals.human,
        updated_at: sqlTime(),
      }
      await db
        .insertQuery()
        .table('ai_code_gboms')
        .insert({
          ...values,
          organization_id: input.organizationId,
          repository_id: repositoryId,
          created_at: sqlTime(),
        })
        .onConflict('repository_id')
        .merge(Object.keys(values))
      await recordPoint(input.organizationId, repositoryId, composition)
      done += 1
      input.onProgress?.(done, repositories.length)
    }
    if (done > 0) await invalidateInsights(input.organizationId)
    return { repositories: done }
  }
}

/** AI and blended lines by model, and every line by language ("" when unnamed) */
export function breakdown(composition: RepositoryComposition) {
  const byModel: Record<string, number> = {}
  const byLanguage: Record<string, { ai: number; blended: number; human: number }> = {}
  for (const file of composition.files) {
    for (const [model, lines] of Object.entries(file.modelLines)) {
      byModel[model] = (byModel[model] ?? 0) + lines
    }
    const language = (byLanguage[file.language ?? ''] ??= { ai: 0, blended: 0, human: 0 })
    language.ai += file.ai
    language.blended += file.blended
    language.human += file.human
  }
  return { byModel, byLanguage }
}

async function recordPoint(
  organizationId: number,
  repositoryId: number,
  composition: RepositoryComposition
) {
  const values = {
    ai_lines: composition.totals.ai,
    blended_lines: composition.totals.blended,
    human_lines: composition.totals.human,
    updated_at: sqlTime(),
  }
  await db
    .insertQuery()
    .table('ai_code_composition_points')
    .insert({
      ...values,
      organization_id: organizationId,
      repository_id: repositoryId,
      day: new Date().toISOString().slice(0, 10),
      created_at: sqlTime(),
    })
    .onConflict(['repository_id', 'day'])
    .merge(Object.keys(values))
}
