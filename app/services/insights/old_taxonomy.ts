import type { parseDelimited } from '#services/insights/delimited'
import { ImportRefusedException } from '#services/insights/import_errors'
import { foldPlaceName, withoutCountrySuffix } from '#services/insights/old_geographies'
import type { EvidenceKind } from '#services/insights/types'

/**
 * The compliance taxonomy of the system Sextant replaces (`taxonomy.tsv`,
 * read by its `import_compliance_standards_csv`): one regulation per
 * row, identified by `unique_id`, applying in one `geography` named as
 * its geography import named it ("United States", "California",
 * "Georgia Us"), with free-text `reference` lines ("text: url" or a
 * URL). It has no controls and no evidence column.
 *
 * Each row becomes a standard coded `T<unique_id>` with one control,
 * `T<unique_id>-1`, whose description is the row's remediation text and
 * whose evidence is the documents that cite it. Rows whose `exclude?`
 * cell says yes are left out. The old columns Sextant has no place for
 * (industry, AI usage, risk level and type, status, source, organisation
 * size, policy instrument) are read past, as the old command did with
 * columns it did not know.
 */

export const OLD_TAXONOMY_REQUIRED = ['unique_id', 'name', 'geography'] as const

export type TaxonomyStandard = {
  code: string
  name: string
  description: string | null
  url: string | null
  jurisdictions: string[]
  controls: Array<{
    code: string
    name: string
    description: string | null
    evidence: EvidenceKind
  }>
}

export function isOldTaxonomy(header: string[]) {
  return OLD_TAXONOMY_REQUIRED.every((column) => header.includes(column))
}

type Geography = { code: string; name: string }

/** Finds a geography the way the old taxonomy names it */
function geographyResolver(geographies: Geography[]) {
  const byName = new Map<string, Geography[]>()
  for (const geography of geographies) {
    const key = foldPlaceName(geography.name)
    byName.set(key, [...(byName.get(key) ?? []), geography])
  }
  return (value: string): string | null => {
    const trimmed = value.trim()
    const byCode = geographies.find((geography) => geography.code === trimmed.toUpperCase())
    if (byCode) return byCode.code
    // "Georgia Us" is the US state; plain "Georgia" the country
    const suffix = /\s([a-z]{2})$/i.exec(trimmed)?.[1]?.toUpperCase()
    if (suffix) {
      const local = (byName.get(foldPlaceName(withoutCountrySuffix(trimmed, suffix))) ?? []).find(
        (geography) => geography.code.startsWith(`${suffix}-`)
      )
      if (local) return local.code
    }
    const candidates = byName.get(foldPlaceName(trimmed)) ?? []
    const country = candidates.find((geography) => !geography.code.includes('-'))
    return (country ?? candidates[0])?.code ?? null
  }
}

function firstUrl(references: string) {
  for (const line of references.split(/\r?\n/)) {
    const reference = line.trim()
    const url = /^https?:\/\//.test(reference)
      ? reference
      : (reference.split(':').length > 1 && reference.slice(reference.indexOf(':') + 1).trim()) ||
        ''
    if (/^https?:\/\/\S+$/.test(url) && url.length <= 1024) return url
  }
  return null
}

const YES = new Set(['yes', 'y', 'true', 'x', '1'])

export function oldTaxonomyStandards(
  file: string,
  parsed: ReturnType<typeof parseDelimited>,
  geographies: Geography[]
) {
  const column = (name: string) => parsed.header.indexOf(name)
  const resolve = geographyResolver(geographies)
  const standards = new Map<string, TaxonomyStandard>()
  for (const row of parsed.rows) {
    const cell = (name: string) =>
      column(name) === -1 ? '' : (row.cells[column(name)] ?? '').trim()
    const error = (name: string, reason: string) =>
      new ImportRefusedException(
        file,
        { line: row.line, column: column(name) + 1, columnName: name },
        reason
      )
    if (row.cells.length !== parsed.header.length) {
      throw new ImportRefusedException(
        file,
        { line: row.line },
        `expected ${parsed.header.length} fields, found ${row.cells.length}`
      )
    }
    if (YES.has(cell('exclude?').toLowerCase())) continue
    const id = cell('unique_id')
    if (!/^\d{1,12}$/.test(id)) throw error('unique_id', 'a unique_id is a whole number')
    const code = `T${Number(id)}`
    if (standards.has(code)) throw error('unique_id', `${id} appears twice`)
    const name = cell('name')
    if (!name || name.length > 200) throw error('name', 'a name is 1 to 200 characters')
    const description = cell('description')
    if (description.length > 2000) throw error('description', 'at most 2000 characters')
    const remediation = cell('remediation_mitigation')
    if (remediation.length > 2000) throw error('remediation_mitigation', 'at most 2000 characters')
    const geography = cell('geography')
    const jurisdiction = resolve(geography)
    if (!jurisdiction) {
      throw error('geography', `unknown jurisdiction "${geography}" (import the geographies first)`)
    }
    standards.set(code, {
      code,
      name,
      description: description || null,
      url: firstUrl(cell('reference')),
      jurisdictions: [jurisdiction],
      controls: [
        {
          code: `${code}-1`,
          name: name.length > 188 ? name : `Comply with ${name}`,
          description: remediation || null,
          evidence: 'documents',
        },
      ],
    })
  }
  if (standards.size === 0)
    throw new ImportRefusedException(file, { line: 2 }, 'the file has no standards')
  return standards
}
