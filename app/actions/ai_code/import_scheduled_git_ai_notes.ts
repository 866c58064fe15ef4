import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import ImportGitAiNotes from '#actions/ai_code/import_git_ai_notes'
import { findOrganizationArgument } from '#services/command_arguments'
import { publicIds } from '#services/public_id'

/** One of the organisation's repositories by its full name (any case) or public id. */
export async function findRepositoryArgument(organizationId: number, named: string) {
  const id = publicIds('repository').decode(named)
  const row = await db
    .from('repositories')
    .where('organization_id', organizationId)
    .where((query) => {
      query.whereRaw('lower(full_name) = ?', [named.toLowerCase()])
      if (id !== null) query.orWhere('id', id)
    })
    .select('id', 'full_name')
    .first()
  return row ? { id: Number(row.id), fullName: String(row.full_name) } : null
}

/**
 * The scheduled read of Git AI notes from clones, as
 * `import:git-ai-notes` does for one: GIT_AI_CLONES_PATH holds one
 * folder per organisation (its slug, public id or number), in it
 * `<owner>/<name>` git clones of its repositories. A folder naming no
 * organisation or repository, or a clone with a bad note, is reported
 * and the others are still read; the run then fails naming them.
 */
export default class ImportScheduledGitAiNotes {
  async execute(root: string | undefined) {
    if (!root) return { repositories: 0, notes: 0, skipped: 'GIT_AI_CLONES_PATH is not set' }
    const failures: string[] = []
    let repositories = 0
    let notes = 0
    for (const organizationFolder of await folders(root)) {
      const organization = await findOrganizationArgument(organizationFolder)
      if (!organization) {
        failures.push(`${organizationFolder}: no such organisation`)
        continue
      }
      for (const owner of await folders(join(root, organizationFolder))) {
        for (const name of await folders(join(root, organizationFolder, owner))) {
          const where = `${organizationFolder}/${owner}/${name}`
          const repository = await findRepositoryArgument(organization.id, `${owner}/${name}`)
          if (!repository) {
            failures.push(`${where}: no such repository in the organisation`)
            continue
          }
          try {
            const result = await new ImportGitAiNotes().execute({
              organizationId: organization.id,
              repositoryId: repository.id,
              clonePath: join(root, organizationFolder, owner, name),
            })
            repositories += 1
            notes += result.notes
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error)
            logger.warn({ organization: organization.id }, `Git AI notes refused: ${message}`)
            failures.push(`${where}: ${message}`)
          }
        }
      }
    }
    if (failures.length > 0) {
      throw new Error(`${failures.length} clone(s) not read: ${failures.join('; ')}`)
    }
    return { repositories, notes, skipped: null }
  }
}

async function folders(path: string) {
  const entries = await readdir(path, { withFileTypes: true })
  return entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort()
}
