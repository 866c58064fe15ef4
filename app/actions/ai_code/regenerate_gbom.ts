import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import {
  compositionTotals,
  fileCompositions,
  type FileComposition,
} from '#services/ai_code/composition'
import { bomHead, fileComponent, serialHasher } from '#services/ai_code/cyclonedx'
import { publicIds } from '#services/public_id'
import { sqlTime } from '#services/sql'
import { invalidateInsights } from '#services/insights/cache'

/** GBOM file rows written per statement */
export const GBOM_FILE_BATCH = 500

/**
 * Rebuilds the GBOM (GenAI bill of materials, a CycloneDX 1.6 BOM) of an organisation's
 * repositories from the stored facts: every repository that has facts,
 * or only those named. Each repository's files are composed one at a
 * time from facts read in pages and written in batches of
 * GBOM_FILE_BATCH (table ai_code_gbom_files), so memory stays bounded
 * whatever the repository's size; the document's head (root, totals,
 * agents, models) is stored in ai_code_gboms, all in one transaction.
 * The document carries no time of its own, so the same facts give the
 * same document. Each rebuild also records the day's point of the
 * composition over time (one per repository and UTC day, the latest
 * rebuild of the day winning). The organisation's cached insights are
 * dropped after it: their AI share is this composition.
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
    const repositories = rows.map((row) => Number(row.repository_id)).sort((a, b) => a - b)
    let done = 0
    for (const repositoryId of repositories) {
      const rebuilt = await db.transaction((trx) =>
        this.#rebuild(trx, input.organizationId, repositoryId)
      )
      if (!rebuilt) continue
      done += 1
      input.onProgress?.(done, repositories.length)
    }
    if (done > 0) await invalidateInsights(input.organizationId)
    return { repositories: done }
  }

  async #rebuild(trx: TransactionClientContract, organizationId: number, repositoryId: number) {
    const repository = await trx
      .from('repositories')
      .where('organization_id', organizationId)
      .where('id', repositoryId)
      .select('id', 'name', 'full_name')
      .first()
    if (!repository) return false
    await trx
      .from('ai_code_gbom_files')
      .where('organization_id', organizationId)
      .where('repository_id', repositoryId)
      .delete()
    const totals = compositionTotals()
    const hasher = serialHasher()
    const breakdown = breakdownOf()
    const now = sqlTime()
    let batch: Record<string, unknown>[] = []
    let position = 0
    const flush = async () => {
      if (batch.length > 0) await trx.table('ai_code_gbom_files').multiInsert(batch)
      batch = []
    }
    const files = fileCompositions(organizationId, repositoryId, { client: trx })
    for await (const file of files) {
      totals.add(file)
      breakdown.add(file)
      const component = JSON.stringify(fileComponent(file))
      hasher.add(component)
      batch.push(fileRow(organizationId, repositoryId, position++, file, component, now))
      if (batch.length >= GBOM_FILE_BATCH) await flush()
    }
    await flush()
    const head = {
      repository: {
        publicId: publicIds('repository').encode(repositoryId),
        name: repository.name,
        fullName: repository.full_name ?? null,
      },
      ...totals.result(),
    }
    const serial = hasher.serial(head, { kind: 'repository' })
    const values = {
      document: JSON.stringify(bomHead(head, { kind: 'repository' }, serial)),
      breakdown: JSON.stringify(breakdown.result()),
      ai_lines: head.totals.ai,
      blended_lines: head.totals.blended,
      human_lines: head.totals.human,
      updated_at: now,
    }
    await trx
      .insertQuery()
      .table('ai_code_gboms')
      .insert({
        ...values,
        organization_id: organizationId,
        repository_id: repositoryId,
        created_at: now,
      })
      .onConflict('repository_id')
      .merge(Object.keys(values))
    await recordPoint(trx, organizationId, repositoryId, head.totals)
    return true
  }
}

function fileRow(
  organizationId: number,
  repositoryId: number,
  position: number,
  file: FileComposition,
  component: string,
  now: string
) {
  const slash = file.path.lastIndexOf('/')
  return {
    organization_id: organizationId,
    repository_id: repositoryId,
    position,
    path: file.path,
    folder: slash === -1 ? '' : file.path.slice(0, slash),
    language: file.language,
    ai_lines: file.ai,
    blended_lines: file.blended,
    human_lines: file.human,
    disagreements: file.disagreements,
    sha256: file.sha256,
    component,
    created_at: now,
  }
}

/** AI and blended lines by model, and every line by language ("" when unnamed) */
function breakdownOf() {
  const byModel: Record<string, number> = {}
  const byLanguage: Record<string, { ai: number; blended: number; human: number }> = {}
  return {
    add(file: FileComposition) {
      for (const [model, lines] of Object.entries(file.modelLines)) {
        byModel[model] = (byModel[model] ?? 0) + lines
      }
      const language = (byLanguage[file.language ?? ''] ??= { ai: 0, blended: 0, human: 0 })
      language.ai += file.ai
      language.blended += file.blended
      language.human += file.human
    },
    result() {
      return { byModel, byLanguage }
    },
  }
}

async function recordPoint(
  trx: TransactionClientContract,
  organizationId: number,
  repositoryId: number,
  totals: { ai: number; blended: number; human: number }
) {
  const values = {
    ai_lines: totals.ai,
    blended_lines: totals.blended,
    human_lines: totals.human,
    updated_at: sqlTime(),
  }
  await trx
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
