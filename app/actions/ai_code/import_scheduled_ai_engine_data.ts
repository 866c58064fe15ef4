import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import logger from '@adonisjs/core/services/logger'
import ImportAiEngineData from '#actions/ai_code/import_ai_engine_data'
import { findOrganizationArgument } from '#services/command_arguments'

/**
 * The every-15-minutes pick-up of the analyzer's output, as the old
 * cron did: AI_ENGINE_OUTPUT_PATH holds one folder per organisation
 * (named by its slug, public id or number) of .jsonl files, each folder
 * imported as `import:ai-engine-data` would (all or nothing; importing
 * the same output again changes nothing). A bad folder is reported and
 * the others still imported; the run then fails naming it.
 */
export default class ImportScheduledAiEngineData {
  async execute(root: string | undefined) {
    if (!root) return { imported: 0, skipped: 'AI_ENGINE_OUTPUT_PATH is not set' }
    const entries = await readdir(root, { withFileTypes: true })
    const failures: string[] = []
    let imported = 0
    for (const entry of entries.filter((candidate) => candidate.isDirectory()).sort(byName)) {
      const organization = await findOrganizationArgument(entry.name)
      if (!organization) {
        failures.push(`${entry.name}: no such organisation`)
        continue
      }
      try {
        await new ImportAiEngineData().execute({
          organizationId: organization.id,
          path: join(root, entry.name),
        })
        imported += 1
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        logger.warn({ organization: organization.id }, `AI engine output refused: ${message}`)
        failures.push(message)
      }
    }
    if (failures.length > 0) {
      throw new Error(`${failures.length} folder(s) not imported: ${failures.join('; ')}`)
    }
    return { imported, skipped: null }
  }
}

function byName(a: { name: string }, b: { name: string }) {
  return a.name.localeCompare(b.name)
}
