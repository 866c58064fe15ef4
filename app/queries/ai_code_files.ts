import { Exception } from '@adonisjs/core/exceptions'
import db from '@adonisjs/lucid/services/db'
import { aiSharePercent, sourceLabel } from '#services/ai_code/composition'
import { lineRanges } from '#services/ai_code/line_ranges'
import { publicIds } from '#services/public_id'
import { repositoryOf } from '#queries/ai_code_gboms'

/** files listed per folder on the page; the rest are counted */
export const FOLDER_FILE_LIMIT = 200

type Lines = { ai: number; blended: number; human: number }

const linesOf = (row: Record<string, unknown>): Lines => ({
  ai: Number(row.ai_lines ?? 0),
  blended: Number(row.blended_lines ?? 0),
  human: Number(row.human_lines ?? 0),
})

/** a folder as given in a URL: no leading or trailing slash, "" for the root */
export function normalizeFolder(folder: string | undefined | null) {
  return (folder ?? '').replace(/^\/+|\/+$/g, '')
}

/**
 * A repository of the organisation with its GBOM's totals (public ids
 * only), or a 404.
 */
export async function repositoryFiles(organizationId: number, publicId: string) {
  const repository = await repositoryOf(organizationId, publicId)
  const gbom = await db
    .from('ai_code_gboms')
    .where('organization_id', organizationId)
    .where('repository_id', repository.id)
    .select('ai_lines', 'blended_lines', 'human_lines', 'updated_at')
    .first()
  const lines = gbom ? linesOf(gbom) : { ai: 0, blended: 0, human: 0 }
  return {
    id: repository.id,
    publicId: publicIds('repository').encode(repository.id),
    name: String(repository.full_name ?? repository.name),
    lines,
    aiSharePercent: aiSharePercent(lines),
    rebuilt: Boolean(gbom),
  }
}

/**
 * One folder of a repository's GBOM: its sub-folders with their lines
 * summed (one grouped query over the folders beneath it), and its files
 * (at most FOLDER_FILE_LIMIT, the rest counted). An unknown folder is a
 * 404.
 */
export async function folderListing(organizationId: number, repositoryId: number, folder: string) {
  const escaped = folder.replace(/[\\%_]/g, (character) => `\\${character}`)
  const groups = await db
    .from('ai_code_gbom_files')
    .where('organization_id', organizationId)
    .where('repository_id', repositoryId)
    .if(folder !== '', (query) =>
      query.where((inside) =>
        inside.where('folder', folder).orWhereRaw(`folder LIKE ? ESCAPE '\\'`, [`${escaped}/%`])
      )
    )
    .groupBy('folder')
    .select('folder')
    .sum('ai_lines as ai_lines')
    .sum('blended_lines as blended_lines')
    .sum('human_lines as human_lines')
    .count('* as files')
  if (groups.length === 0 && folder !== '') {
    throw new Exception('No such folder', { status: 404, code: 'E_NOT_FOUND' })
  }
  const prefix = folder === '' ? '' : `${folder}/`
  const folders = new Map<string, Lines & { files: number }>()
  for (const group of groups) {
    const path = String(group.folder)
    // SQLite's LIKE ignores case: only the folders truly beneath this one
    if (path === folder || !path.startsWith(prefix)) continue
    const child = prefix + path.slice(prefix.length).split('/')[0]
    const sum = folders.get(child) ?? { ai: 0, blended: 0, human: 0, files: 0 }
    const lines = linesOf(group)
    sum.ai += lines.ai
    sum.blended += lines.blended
    sum.human += lines.human
    sum.files += Number(group.files)
    folders.set(child, sum)
  }
  const own = groups.find((group) => String(group.folder) === folder)
  const files = await db
    .from('ai_code_gbom_files')
    .where('organization_id', organizationId)
    .where('repository_id', repositoryId)
    .where('folder', folder)
    .orderBy('position')
    .limit(FOLDER_FILE_LIMIT)
    .select(
      'path',
      'language',
      'ai_lines',
      'blended_lines',
      'human_lines',
      'disagreements',
      'sha256'
    )
  return {
    folder,
    crumbs: crumbsOf(folder),
    folders: [...folders.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([path, lines]) => ({
        path,
        name: path.slice(prefix.length),
        query: `?folder=${encodeURIComponent(path)}`,
        ...lines,
        aiSharePercent: aiSharePercent(lines),
      })),
    files: files.map((row) => ({
      path: String(row.path),
      name: String(row.path).slice(prefix.length),
      query: `?path=${encodeURIComponent(String(row.path))}`,
      language: row.language ?? null,
      ...linesOf(row),
      disagreements: Number(row.disagreements),
      sha256: row.sha256 ?? null,
      aiSharePercent: aiSharePercent(linesOf(row)),
    })),
    moreFiles: Math.max(0, Number(own?.files ?? 0) - files.length),
  }
}

function crumbsOf(folder: string) {
  if (folder === '') return []
  const parts = folder.split('/')
  return parts.map((name, index) => {
    const path = parts.slice(0, index + 1).join('/')
    return { name, path, query: `?folder=${encodeURIComponent(path)}` }
  })
}

/**
 * One file of a repository's GBOM, with its line ranges coloured by the
 * source that won them (and what other sources said there), from its
 * stored facts. A path the GBOM does not hold is a 404.
 */
export async function fileView(organizationId: number, repositoryId: number, path: string) {
  const file = await db
    .from('ai_code_gbom_files')
    .where('organization_id', organizationId)
    .where('repository_id', repositoryId)
    .where('path', path)
    .select(
      'path',
      'folder',
      'language',
      'ai_lines',
      'blended_lines',
      'human_lines',
      'disagreements',
      'sha256'
    )
    .first()
  if (!file) throw new Exception('No such file', { status: 404, code: 'E_NOT_FOUND' })
  const facts = await db
    .from('ai_code_facts')
    .where('organization_id', organizationId)
    .where('repository_id', repositoryId)
    .where('path', path)
    .orderBy('id')
    .select(
      'id',
      'source',
      'origin',
      'start_line',
      'end_line',
      'commit_sha',
      'agent',
      'model',
      'evidence'
    )
  const lines = linesOf(file)
  return {
    path: String(file.path),
    folder: String(file.folder),
    crumbs: crumbsOf(String(file.folder)),
    language: file.language ?? null,
    sha256: file.sha256 ?? null,
    lines,
    disagreements: Number(file.disagreements),
    aiSharePercent: aiSharePercent(lines),
    ranges: lineRanges(facts).map((range) => ({
      from: range.from,
      to: range.to,
      origin: String(range.winner.origin),
      source: sourceLabel(String(range.winner.source)),
      commit: String(range.winner.commit_sha).slice(0, 7),
      agent: [range.winner.agent, range.winner.model].filter(Boolean).join(' / ') || null,
      evidence: range.winner.evidence ?? null,
      disagreement: range.disagreement,
      others: [
        ...new Set(
          range.covering
            .filter((fact) => fact.origin !== range.winner.origin)
            // a signal that lost keeps its evidence in view, to judge it by
            .map(
              (fact) =>
                `${sourceLabel(fact.source)}: ${fact.origin}` +
                (fact.source === 'trailer' && fact.evidence ? ` (${fact.evidence})` : '')
            )
        ),
      ],
    })),
  }
}
