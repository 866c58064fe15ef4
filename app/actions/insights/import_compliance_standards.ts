import db from '@adonisjs/lucid/services/db'
import { CONTROL_CODE } from '#validators/documents'
import { parseDelimited, recordsOf } from '#services/insights/delimited'
import { EVIDENCE_KINDS } from '#services/insights/compliance'
import { ImportRefusedException } from '#services/insights/import_errors'
import { invalidateAllInsights } from '#services/insights/cache'
import { sqlTime } from '#services/sql'
import type { EvidenceKind } from '#services/insights/types'
import { isOldTaxonomy, oldTaxonomyStandards } from '#services/insights/old_taxonomy'

export const COMPLIANCE_COLUMNS = [
  'standard_code',
  'standard_name',
  'standard_url',
  'jurisdictions',
  'control_code',
  'control_name',
  'evidence',
  'control_description',
] as const

const STANDARD_CODE = /^[A-Z0-9][A-Z0-9_.]{0,19}$/

type Standard = {
  code: string
  name: string
  description?: string | null
  url: string | null
  jurisdictions: string[]
  controls: Array<{
    code: string
    name: string
    description: string | null
    evidence: EvidenceKind
  }>
}

/**
 * Replaces every compliance standard, control and jurisdiction link with
 * the ones of a CSV/TSV file (one row per control; see docs/insights.md).
 * The whole file is validated before anything is written, and the
 * replacement is one transaction: a bad file changes nothing, and the
 * error names its line and column.
 */
export default class ImportComplianceStandards {
  async execute(input: { file: string; content: string }) {
    const standards = await this.#parse(input.file, input.content)
    const controls = [...standards.values()].reduce(
      (total, standard) => total + standard.controls.length,
      0
    )
    await db.transaction(async (trx) => {
      await trx.from('compliance_standards').delete()
      const geographyRows = await trx.from('geographies').select('id', 'code')
      const geographies = new Map<string, number>(geographyRows.map((row) => [row.code, row.id]))
      for (const standard of standards.values()) {
        const [inserted] = await trx
          .table('compliance_standards')
          .insert({
            code: standard.code,
            name: standard.name,
            description: standard.description ?? null,
            url: standard.url,
            created_at: sqlTime(),
          })
          .returning('id')
        const standardId = Number(typeof inserted === 'object' ? inserted.id : inserted)
        await trx.table('compliance_controls').multiInsert(
          standard.controls.map((control, position) => ({
            compliance_standard_id: standardId,
            code: control.code,
            name: control.name,
            description: control.description,
            evidence_kind: control.evidence,
            position,
          }))
        )
        if (standard.jurisdictions.length > 0) {
          await trx.table('compliance_standard_geographies').multiInsert(
            standard.jurisdictions.map((code) => ({
              compliance_standard_id: standardId,
              geography_id: geographies.get(code)!,
            }))
          )
        }
      }
    })
    await invalidateAllInsights()
    return { standards: standards.size, controls }
  }

  async #parse(file: string, content: string): Promise<Map<string, Standard>> {
    const parsed = parseDelimited(file, content)
    if (isOldTaxonomy(parsed.header)) {
      const stored = await db.from('geographies').select('code', 'name')
      return oldTaxonomyStandards(file, parsed, stored)
    }
    // evidence may be left out: the documents citing a control are its evidence
    const records = recordsOf(file, parsed, COMPLIANCE_COLUMNS, { optional: ['evidence'] })
    if (records.length === 0)
      throw new ImportRefusedException(file, { line: 2 }, 'the file has no controls')
    const geographies = await db.from('geographies').select('code')
    const known = new Set<string>(geographies.map((row) => row.code))
    const standards = new Map<string, Standard>()
    const controlCodes = new Set<string>()
    for (const record of records) {
      const row = record.values
      const code = row.standard_code.toUpperCase()
      if (!STANDARD_CODE.test(code)) {
        throw record.error(
          'standard_code',
          'a standard code is letters, digits, "." or "_" (at most 20)'
        )
      }
      if (!row.standard_name || row.standard_name.length > 200) {
        throw record.error('standard_name', 'a standard name is 1 to 200 characters')
      }
      if (row.standard_url && !/^https?:\/\/\S+$/.test(row.standard_url)) {
        throw record.error('standard_url', 'not an http(s) URL')
      }
      const jurisdictions = row.jurisdictions
        .split(/[;|]/)
        .map((value) => value.trim().toUpperCase())
        .filter(Boolean)
      const unknownJurisdiction = jurisdictions.find((value) => !known.has(value))
      if (unknownJurisdiction) {
        throw record.error(
          'jurisdictions',
          `unknown jurisdiction "${unknownJurisdiction}" (import the geographies first)`
        )
      }
      const controlCode = row.control_code.toUpperCase()
      if (!CONTROL_CODE.test(controlCode) || !controlCode.startsWith(`${code}-`)) {
        throw record.error(
          'control_code',
          `a control code is "${code}-" and the control (e.g. ${code}-1.2)`
        )
      }
      if (controlCodes.has(controlCode))
        throw record.error('control_code', `${controlCode} appears twice`)
      controlCodes.add(controlCode)
      if (!row.control_name || row.control_name.length > 200) {
        throw record.error('control_name', 'a control name is 1 to 200 characters')
      }
      const evidence = (row.evidence.toLowerCase() || 'documents') as EvidenceKind
      if (!EVIDENCE_KINDS.includes(evidence)) {
        throw record.error('evidence', `evidence is one of ${EVIDENCE_KINDS.join(', ')}`)
      }
      if (row.control_description.length > 2000) {
        throw record.error('control_description', 'at most 2000 characters')
      }
      let standard = standards.get(code)
      if (!standard) {
        standard = {
          code,
          name: row.standard_name,
          url: row.standard_url || null,
          jurisdictions,
          controls: [],
        }
        standards.set(code, standard)
      } else if (standard.name !== row.standard_name) {
        throw record.error('standard_name', `differs from the name given to ${code} earlier`)
      } else if (standard.jurisdictions.join(';') !== jurisdictions.join(';')) {
        throw record.error(
          'jurisdictions',
          `differ from the jurisdictions given to ${code} earlier`
        )
      }
      standard.controls.push({
        code: controlCode,
        name: row.control_name,
        description: row.control_description || null,
        evidence,
      })
    }
    return standards
  }
}
