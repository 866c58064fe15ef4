import db from '@adonisjs/lucid/services/db'
import { ImportRefusedException } from '#services/insights/import_errors'
import { invalidateAllInsights } from '#services/insights/cache'
import { sqlTime } from '#services/sql'
import { isOldJurisdictionTree, oldJurisdictions } from '#services/insights/old_geographies'

const GEOGRAPHY_CODE = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$|^[A-Z]{2,8}$/

type Jurisdiction = { code: string; name: string; region: string | null }
type JurisdictionInfo = { summary: string | null; authorities: string[] }

function parseJson(file: string, content: string): unknown {
  try {
    return JSON.parse(content)
  } catch (error) {
    throw new ImportRefusedException(
      file,
      {},
      `not valid JSON (${(error as Error).message.split('\n')[0]})`
    )
  }
}

/**
 * Adds or updates the jurisdictions of two JSON files (the list, and per
 * code its summary and authorities; see docs/insights.md), matched by
 * code, in one transaction. Jurisdictions missing from the files are
 * kept: compliance standards may still apply in them. The old system's
 * files (a tree of names, and ISO codes per name) are read too; see
 * `#services/insights/old_geographies`.
 */
export default class ImportGeographies {
  async execute(input: {
    jurisdictions: { file: string; content: string }
    info: { file: string; content: string }
  }) {
    const parsedList = parseJson(input.jurisdictions.file, input.jurisdictions.content)
    let list: Jurisdiction[]
    let info: Map<string, JurisdictionInfo>
    if (isOldJurisdictionTree(parsedList)) {
      list = oldJurisdictions(
        { list: input.jurisdictions.file, info: input.info.file },
        parsedList as Record<string, unknown>,
        parseJson(input.info.file, input.info.content),
        await this.#storedLocalCodes()
      )
      info = new Map()
    } else {
      list = this.#jurisdictions(input.jurisdictions.file, parsedList)
      info = this.#info(
        input.info.file,
        input.info.content,
        new Set(list.map((entry) => entry.code))
      )
    }
    const now = sqlTime()
    let created = 0
    await db.transaction(async (trx) => {
      const stored = await trx.from('geographies').select('code')
      const existing = new Set<string>(stored.map((row) => row.code))
      for (const jurisdiction of list) {
        const details = info.get(jurisdiction.code)
        const values = {
          name: jurisdiction.name,
          region: jurisdiction.region,
          // the old files carry no summary or authorities: keep what is stored
          ...(details || !existing.has(jurisdiction.code)
            ? {
                summary: details?.summary ?? null,
                authorities: JSON.stringify(details?.authorities ?? []),
              }
            : {}),
          updated_at: now,
        }
        if (existing.has(jurisdiction.code)) {
          await trx.from('geographies').where('code', jurisdiction.code).update(values)
        } else {
          await trx
            .table('geographies')
            .insert({ code: jurisdiction.code, ...values, created_at: now })
          created++
        }
      }
    })
    await invalidateAllInsights()
    return { created, updated: list.length - created }
  }

  /** "<country>/<name>" → code of the subdivisions given a local code earlier */
  async #storedLocalCodes() {
    const rows = await db.from('geographies').where('code', 'like', '%-X%').select('code', 'name')
    return new Map<string, string>(
      rows
        .filter((row) => /^[A-Z]{2}-X\d+$/.test(row.code))
        .map((row) => [`${row.code.slice(0, 2)}/${row.name}`, row.code])
    )
  }

  #jurisdictions(file: string, parsed: unknown): Jurisdiction[] {
    if (!Array.isArray(parsed))
      throw new ImportRefusedException(file, {}, 'expected an array of jurisdictions')
    const seen = new Set<string>()
    return parsed.map((entry: unknown, index) => {
      const at = (field: string) => ({ entry: `entry ${index + 1} ("${field}")` })
      const value = (entry ?? {}) as Record<string, unknown>
      const code = typeof value.code === 'string' ? value.code.trim().toUpperCase() : ''
      if (!GEOGRAPHY_CODE.test(code)) {
        throw new ImportRefusedException(file, at('code'), 'a code is like "EU", "US" or "US-CA"')
      }
      if (seen.has(code))
        throw new ImportRefusedException(file, at('code'), `${code} appears twice`)
      seen.add(code)
      if (typeof value.name !== 'string' || !value.name.trim() || value.name.length > 120) {
        throw new ImportRefusedException(file, at('name'), 'a name is 1 to 120 characters')
      }
      if (value.region !== undefined && value.region !== null && typeof value.region !== 'string') {
        throw new ImportRefusedException(file, at('region'), 'a region is text')
      }
      return {
        code,
        name: value.name.trim(),
        region: (value.region as string | undefined)?.trim() || null,
      }
    })
  }

  #info(file: string, content: string, codes: Set<string>) {
    const parsed = parseJson(file, content)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ImportRefusedException(file, {}, 'expected an object keyed by jurisdiction code')
    }
    const info = new Map<string, JurisdictionInfo>()
    for (const [rawCode, entry] of Object.entries(parsed)) {
      const code = rawCode.toUpperCase()
      const at = (field: string) => ({ entry: `"${rawCode}" ("${field}")` })
      if (!codes.has(code))
        throw new ImportRefusedException(file, at('code'), 'not in the jurisdictions file')
      const value = (entry ?? {}) as Record<string, unknown>
      if (
        value.summary !== undefined &&
        (typeof value.summary !== 'string' || value.summary.length > 2000)
      ) {
        throw new ImportRefusedException(
          file,
          at('summary'),
          'a summary is text of at most 2000 characters'
        )
      }
      const authorities = value.authorities ?? []
      if (!Array.isArray(authorities) || authorities.some((name) => typeof name !== 'string')) {
        throw new ImportRefusedException(file, at('authorities'), 'authorities are a list of names')
      }
      info.set(code, { summary: (value.summary as string | undefined) ?? null, authorities })
    }
    return info
  }
}
