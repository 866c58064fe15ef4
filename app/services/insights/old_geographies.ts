import { iso31662 } from 'iso-3166'
import { ImportRefusedException } from '#services/insights/import_errors'

/**
 * The geography files of the system Sextant replaces
 * (`mvp/data/jurisdictions.json` and `jurisdictions_info.json`):
 *
 * - the list is a tree of lower-case names, `{ "united states":
 *   { "california": null, … }, "global": null, … }`;
 * - the information is keyed by the same names, `{ "united states":
 *   { "iso2": "us", "iso3": "usa", "name": "United States of America" } }`,
 *   with continents and subdivisions carrying only a name.
 *
 * Sextant keys jurisdictions by code, so each name gets one: a country
 * its ISO 3166-1 alpha-2 code, a subdivision its ISO 3166-2 code when
 * the standard lists a subdivision of that name in that country, and
 * otherwise (a former region or county) a local code `<country>-X<n>`,
 * kept stable across re-imports by matching the stored name. Names are
 * the old system's (the title-cased key, which is what its compliance
 * taxonomy refers to), without the suffix it used to tell apart two
 * places of one name ("georgia us").
 */

export type OldJurisdiction = { code: string; name: string; region: string | null }

const WORLDWIDE: Record<string, string> = { 'global': 'GLOBAL', 'european union': 'EU' }

export function isOldJurisdictionTree(parsed: unknown) {
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
}

/** Lower case, no accents, words separated by one space */
export function foldPlaceName(name: string) {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

function titleCase(name: string) {
  return name
    .trim()
    .replace(/(^|[\s\-(])(\p{L})/gu, (_, before, letter) => before + letter.toUpperCase())
}

/** "georgia us" under the United States is "georgia" */
export function withoutCountrySuffix(name: string, alpha2: string) {
  const suffix = ` ${alpha2.toLowerCase()}`
  return name.trim().toLowerCase().endsWith(suffix)
    ? name.trim().slice(0, -suffix.length)
    : name.trim()
}

function subdivisionsOf(alpha2: string) {
  const byName = new Map<string, string[]>()
  for (const subdivision of iso31662) {
    if (subdivision.parent !== alpha2 && !subdivision.parent.startsWith(`${alpha2}-`)) continue
    const folded = foldPlaceName(subdivision.name.replace(/\s*\[.*?\]|\s*\(.*?\)/g, ''))
    byName.set(folded, [...(byName.get(folded) ?? []), subdivision.code])
  }
  return byName
}

type Info = Record<string, { iso2?: unknown; name?: unknown } | null | undefined>

/**
 * The jurisdictions of the old files, countries before their
 * subdivisions. `storedLocal` maps the name of each stored local-coded
 * subdivision (`<country>-X<n>`) to its code, so a re-import keeps it.
 */
export function oldJurisdictions(
  files: { list: string; info: string },
  tree: Record<string, unknown>,
  infoParsed: unknown,
  storedLocal: Map<string, string>
): OldJurisdiction[] {
  if (!isOldJurisdictionTree(infoParsed)) {
    throw new ImportRefusedException(
      files.info,
      {},
      'expected an object keyed by jurisdiction name'
    )
  }
  const info = infoParsed as Info
  const result: OldJurisdiction[] = []
  const codes = new Set<string>()
  const add = (entry: OldJurisdiction, at: string) => {
    if (codes.has(entry.code)) {
      throw new ImportRefusedException(
        files.list,
        { entry: `"${at}"` },
        `${entry.code} appears twice`
      )
    }
    codes.add(entry.code)
    result.push(entry)
  }
  for (const [key, children] of Object.entries(tree)) {
    const details = info[key] ?? null
    const iso2 = typeof details?.iso2 === 'string' ? details.iso2.trim().toUpperCase() : null
    const code = iso2 ?? WORLDWIDE[key.trim().toLowerCase()]
    if (!code || !/^[A-Z]{2,8}$/.test(code)) {
      throw new ImportRefusedException(
        files.info,
        { entry: `"${key}"` },
        'no "iso2" code for this top-level jurisdiction'
      )
    }
    add({ code, name: titleCase(key), region: null }, key)
    if (children === null || children === undefined) continue
    if (!isOldJurisdictionTree(children)) {
      throw new ImportRefusedException(
        files.list,
        { entry: `"${key}"` },
        'subdivisions are an object or null'
      )
    }
    const standard = subdivisionsOf(code)
    let nextLocal = 1
    const usedLocal = new Set(storedLocal.values())
    for (const childKey of Object.keys(children as object)) {
      const name = titleCase(withoutCountrySuffix(childKey, code))
      if (name.length === 0 || name.length > 120) {
        throw new ImportRefusedException(
          files.list,
          { entry: `"${childKey}"` },
          'a name is 1 to 120 characters'
        )
      }
      const matches = standard.get(foldPlaceName(name)) ?? []
      let childCode = matches.length === 1 ? matches[0] : storedLocal.get(`${code}/${name}`)
      if (!childCode || codes.has(childCode)) {
        while (usedLocal.has(`${code}-X${nextLocal}`) || codes.has(`${code}-X${nextLocal}`)) {
          nextLocal++
        }
        childCode = `${code}-X${nextLocal}`
      }
      add({ code: childCode, name, region: titleCase(key) }, childKey)
    }
  }
  return result
}
