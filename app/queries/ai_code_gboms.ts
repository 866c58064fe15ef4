import { Exception } from '@adonisjs/core/exceptions'
import db from '@adonisjs/lucid/services/db'
import { publicIds } from '#services/public_id'
import { repositoryComposition } from '#services/ai_code/composition'
import { cycloneDxBom } from '#services/ai_code/cyclonedx'

/** the media type of a CycloneDX 1.6 JSON BOM */
export const CYCLONEDX_JSON = 'application/vnd.cyclonedx+json; version=1.6'

/** One of the organisation's repositories by its public id, or a 404. */
async function repositoryOf(organizationId: number, publicId: string) {
  const id = publicIds('repository').decode(publicId)
  const repository =
    id === null
      ? null
      : await db
          .from('repositories')
          .where('organization_id', organizationId)
          .where('id', id)
          .select('id', 'name', 'full_name')
          .first()
  if (!repository) {
    throw new Exception('No such repository', { status: 404, code: 'E_NOT_FOUND' })
  }
  return { ...repository, id: Number(repository.id) }
}

/** A repository's composition from its facts (public ids only). */
export async function compositionOf(organizationId: number, repositoryPublicId: string) {
  const repository = await repositoryOf(organizationId, repositoryPublicId)
  return (await repositoryComposition(organizationId, repository.id))!
}

/**
 * A repository's GBOM as stored (CycloneDX 1.6 JSON); a repository
 * without facts yet gets its empty BOM.
 */
export async function repositoryGbom(organizationId: number, repositoryPublicId: string) {
  const repository = await repositoryOf(organizationId, repositoryPublicId)
  const stored = await db
    .from('ai_code_gboms')
    .where('organization_id', organizationId)
    .where('repository_id', repository.id)
    .select('document')
    .first()
  if (stored) return { repository, document: String(stored.document) }
  const composition = (await repositoryComposition(organizationId, repository.id))!
  return {
    repository,
    document: JSON.stringify(cycloneDxBom(composition, { kind: 'repository' })),
  }
}

/**
 * The GBOM of one pull request: the facts about the commits its code
 * host listed, as a CycloneDX 1.6 JSON BOM rooted at the repository.
 */
export async function pullRequestGbom(
  organizationId: number,
  repositoryPublicId: string,
  number: number
) {
  const repository = await repositoryOf(organizationId, repositoryPublicId)
  const pull = Number.isSafeInteger(number)
    ? await db
        .from('pull_requests')
        .where('organization_id', organizationId)
        .where('repository_id', repository.id)
        .where('number', number)
        .select('number', 'commit_shas')
        .first()
    : null
  if (!pull) throw new Exception('No such pull request', { status: 404, code: 'E_NOT_FOUND' })
  const shas = parseShas(pull.commit_shas)
  const composition = (await repositoryComposition(organizationId, repository.id, shas))!
  return {
    repository,
    document: JSON.stringify(
      cycloneDxBom(composition, { kind: 'pull-request', number, commits: shas.length })
    ),
  }
}

function parseShas(raw: unknown): string[] {
  try {
    const value = JSON.parse(String(raw ?? '[]'))
    return Array.isArray(value) ? value.filter((sha) => typeof sha === 'string') : []
  } catch {
    return []
  }
}
