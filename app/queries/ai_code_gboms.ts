import { Exception } from '@adonisjs/core/exceptions'
import db from '@adonisjs/lucid/services/db'
import { publicIds } from '#services/public_id'
import { fitsIntegerColumn } from '#services/sql'
import {
  compositionTotals,
  fileCompositions,
  repositoryComposition,
} from '#services/ai_code/composition'
import { bomText, cycloneDxText, type BomHead } from '#services/ai_code/cyclonedx'

/** the media type of a CycloneDX 1.6 JSON BOM */
export const CYCLONEDX_JSON = 'application/vnd.cyclonedx+json; version=1.6'

/** One of the organisation's repositories by its public id, or a 404. */
export async function repositoryOf(organizationId: number, publicId: string) {
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

/** files serialised per piece of a streamed composition */
const COMPOSITION_FILES_PER_PIECE = 200

/**
 * The API's answer for one repository's composition, `{ data: … }`, as
 * text pieces: the files are read FACT_PAGE facts at a time and written
 * as they come, the totals (known only once every file is read) last, so
 * a 10,000-file repository is answered in bounded memory. The fields of
 * `repositoryComposition`, files before totals.
 */
export async function compositionText(organizationId: number, repositoryPublicId: string) {
  const repository = await repositoryOf(organizationId, repositoryPublicId)
  const head = {
    publicId: publicIds('repository').encode(repository.id),
    name: repository.name,
    fullName: repository.full_name ?? null,
  }
  return (async function* () {
    yield `{"data":{"repository":${JSON.stringify(head)},"files":[`
    const totals = compositionTotals()
    let piece: string[] = []
    let written = 0
    const flush = () => {
      const text = (written > 0 ? ',' : '') + piece.join(',')
      written += piece.length
      piece = []
      return text
    }
    for await (const file of fileCompositions(organizationId, repository.id)) {
      piece.push(JSON.stringify(file))
      totals.add(file)
      if (piece.length === COMPOSITION_FILES_PER_PIECE) yield flush()
    }
    if (piece.length > 0) yield flush()
    // the totals, agents, tools and models, without their object's braces
    yield `],${JSON.stringify(totals.result()).slice(1, -1)}}}`
  })()
}

/** GBOM file rows read per statement while a document is streamed */
export const GBOM_FILE_PAGE = 500

/**
 * A repository's GBOM as stored (CycloneDX 1.6 JSON), as text pieces: the
 * head from ai_code_gboms, the files' components from ai_code_gbom_files
 * read in pages of GBOM_FILE_PAGE, so a download never holds the whole
 * document. A repository without facts yet gets its empty BOM.
 */
export async function repositoryGbom(organizationId: number, repositoryPublicId: string) {
  const repository = await repositoryOf(organizationId, repositoryPublicId)
  const stored = await db
    .from('ai_code_gboms')
    .where('organization_id', organizationId)
    .where('repository_id', repository.id)
    .select('document')
    .first()
  if (!stored) {
    const composition = (await repositoryComposition(organizationId, repository.id))!
    const text = await cycloneDxText(composition, { kind: 'repository' })
    return {
      repository,
      pieces: (async function* () {
        yield text
      })(),
    }
  }
  const head = JSON.parse(String(stored.document)) as BomHead
  return {
    repository,
    pieces: bomText(head, () => gbomFiles(organizationId, repository.id)),
  }
}

/** A repository's GBOM as one string (tests, small repositories). */
export async function repositoryGbomText(organizationId: number, repositoryPublicId: string) {
  const { pieces } = await repositoryGbom(organizationId, repositoryPublicId)
  let text = ''
  for await (const piece of pieces) {
    text += piece
  }
  return text
}

async function* gbomFiles(organizationId: number, repositoryId: number) {
  let after = -1
  while (true) {
    const rows = await db
      .from('ai_code_gbom_files')
      .where('organization_id', organizationId)
      .where('repository_id', repositoryId)
      .where('position', '>', after)
      .orderBy('position')
      .limit(GBOM_FILE_PAGE)
      .select('position', 'path', 'component')
    for (const row of rows) yield { path: String(row.path), component: String(row.component) }
    if (rows.length < GBOM_FILE_PAGE) return
    after = Number(rows[rows.length - 1].position)
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
  const pull = fitsIntegerColumn(number)
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
    document: await cycloneDxText(composition, {
      kind: 'pull-request',
      number,
      commits: shas.length,
    }),
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
