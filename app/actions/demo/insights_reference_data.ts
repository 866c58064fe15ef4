import { readFile } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import ImportGeographies from '#actions/insights/import_geographies'
import ImportComplianceStandards from '#actions/insights/import_compliance_standards'
import ImportReferenceData from '#actions/insights/import_reference_data'

/** the sample reference files shipped in database/data */
export const SAMPLE_FILES = {
  jurisdictions: 'jurisdictions.json',
  jurisdictionsInfo: 'jurisdictions_info.json',
  standards: 'compliance_standards.csv',
  referenceMetrics: 'reference_metrics.csv',
  referenceRecords: 'reference_records.csv',
}

async function sample(file: string) {
  return { file, content: await readFile(app.makePath('database', 'data', file), 'utf8') }
}

async function isEmpty(table: string) {
  const row = await db.from(table).count('* as total').first()
  return Number(row?.total ?? 0) === 0
}

/**
 * Imports the sample jurisdictions, compliance standards and reference
 * data of database/data, each only while its tables are empty, so an
 * operator's own imports are never replaced by the demo's.
 */
export async function ensureSampleReferenceData() {
  if (await isEmpty('geographies')) {
    await new ImportGeographies().execute({
      jurisdictions: await sample(SAMPLE_FILES.jurisdictions),
      info: await sample(SAMPLE_FILES.jurisdictionsInfo),
    })
  }
  if (await isEmpty('compliance_standards')) {
    await new ImportComplianceStandards().execute(await sample(SAMPLE_FILES.standards))
  }
  if (await isEmpty('reference_records')) {
    await new ImportReferenceData().execute([
      await sample(SAMPLE_FILES.referenceMetrics),
      await sample(SAMPLE_FILES.referenceRecords),
    ])
  }
}
