import { test } from '@japa/runner'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import ImportComplianceStandards from '#actions/insights/import_compliance_standards'
import ImportGeographies from '#actions/insights/import_geographies'
import ImportReferenceData from '#actions/insights/import_reference_data'
import { resetDatabase } from '#tests/helpers/database'
import { projectRoot, runAce } from '#tests/helpers/processes'

/** Files in the shapes the system Sextant replaces wrote (docs/insights.md) */
const OLD = join(projectRoot, 'tests', 'fixtures', 'old_files')

async function oldFile(name: string) {
  return { file: name, content: await readFile(join(OLD, name), 'utf8') }
}

async function importOldGeographies() {
  return new ImportGeographies().execute({
    jurisdictions: await oldFile('jurisdictions.json'),
    info: await oldFile('jurisdictions_info.json'),
  })
}

async function geographyCodes() {
  const rows = await db.from('geographies').orderBy('code').select('code', 'name', 'region')
  return Object.fromEntries(rows.map((row) => [row.code, `${row.name} / ${row.region ?? '-'}`]))
}

async function standardsWithJurisdictions() {
  const rows = await db
    .from('compliance_standards as s')
    .leftJoin('compliance_standard_geographies as l', 'l.compliance_standard_id', 's.id')
    .leftJoin('geographies as g', 'g.id', 'l.geography_id')
    .orderBy('s.code')
    .select('s.code', 'g.code as geography')
  return rows.map((row) => `${row.code}@${row.geography}`)
}

test.group('Insights data / the old system’s files', (group) => {
  group.each.setup(resetDatabase)

  test('the old geography tree gets ISO codes, and local codes where ISO has none', async ({
    assert,
  }) => {
    const result = await importOldGeographies()
    assert.deepEqual(result, { created: 10, updated: 0 })
    assert.deepEqual(await geographyCodes(), {
      'EU': 'European Union / -',
      'GE': 'Georgia / -',
      'GLOBAL': 'Global / -',
      'GR': 'Greece / -',
      'GR-I': 'Attiki / Greece',
      'GR-X1': 'Evros / Greece',
      'US': 'United States / -',
      'US-CA': 'California / United States',
      'US-GA': 'Georgia / United States',
      'US-NY': 'New York / United States',
    })
  })

  test('a re-import keeps the local codes given before, whatever the order', async ({ assert }) => {
    await importOldGeographies()
    const reordered = {
      greece: { 'new prefecture': null, 'attiki': null, 'evros': null },
    }
    await new ImportGeographies().execute({
      jurisdictions: { file: 'jurisdictions.json', content: JSON.stringify(reordered) },
      info: await oldFile('jurisdictions_info.json'),
    })
    const codes = await geographyCodes()
    assert.equal(codes['GR-X1'], 'Evros / Greece')
    assert.equal(codes['GR-X2'], 'New Prefecture / Greece')
  })

  test('a top-level name without an ISO code is refused and nothing is written', async ({
    assert,
  }) => {
    await assert.rejects(
      () =>
        new ImportGeographies().execute({
          jurisdictions: {
            file: 'jurisdictions.json',
            content: '{"greece": null, "atlantis": null}',
          },
          info: { file: 'jurisdictions_info.json', content: '{"greece": {"iso2": "gr"}}' },
        }),
      'jurisdictions_info.json, "atlantis": no "iso2" code for this top-level jurisdiction'
    )
    assert.deepEqual(await geographyCodes(), {})
  })

  test('the old taxonomy.tsv imports: one standard per regulation, excluded rows left out', async ({
    assert,
  }) => {
    await importOldGeographies()
    const result = await new ImportComplianceStandards().execute(await oldFile('taxonomy.tsv'))
    assert.deepEqual(result, { standards: 3, controls: 3 })
    assert.deepEqual(await standardsWithJurisdictions(), [
      'T101@US-CA',
      'T102@US-GA',
      'T103@GLOBAL',
    ])
    const ccpa = await db.from('compliance_standards').where('code', 'T101').first()
    assert.equal(ccpa.name, 'California Consumer Privacy Act')
    assert.equal(ccpa.url, 'https://oag.ca.gov/privacy/ccpa')
    assert.equal(ccpa.description, 'Consumer data rights in California.')
    const control = await db.from('compliance_controls').where('code', 'T101-1').first()
    assert.equal(control.description, 'Publish a privacy notice and honour opt-outs.')
    assert.equal(control.evidence_kind, 'documents')
  })

  test('an old taxonomy row naming an unknown geography is refused at its cell', async ({
    assert,
  }) => {
    await importOldGeographies()
    const { content } = await oldFile('taxonomy.tsv')
    await assert.rejects(
      () =>
        new ImportComplianceStandards().execute({
          file: 'taxonomy.tsv',
          content: content.replace('Georgia Us', 'Atlantis'),
        }),
      'taxonomy.tsv, line 4, column 3 (geography): unknown jurisdiction "Atlantis" (import the geographies first)'
    )
    assert.deepEqual(await standardsWithJurisdictions(), [])
  })

  test('a taxonomy in Sextant’s columns may leave out evidence: documents are the evidence', async ({
    assert,
  }) => {
    await importOldGeographies()
    await new ImportComplianceStandards().execute({
      file: 'taxonomy.tsv',
      content:
        'standard_code\tstandard_name\tstandard_url\tjurisdictions\tcontrol_code\tcontrol_name\tcontrol_description\n' +
        'CCPA\tCCPA\t\tUS-CA\tCCPA-1\tNotice\t\n',
    })
    const control = await db.from('compliance_controls').where('code', 'CCPA-1').first()
    assert.equal(control.evidence_kind, 'documents')
  })

  test('reference files exported by django-import-export (an id column first) import', async ({
    assert,
  }) => {
    const summary = await new ImportReferenceData().execute([
      await oldFile('reference_metrics.csv'),
      await oldFile('reference_records.csv'),
    ])
    assert.deepEqual(summary, { metrics: 2, records: 2 })
    const rows = await db
      .from('reference_records as r')
      .join('reference_metrics as m', 'm.id', 'r.reference_metric_id')
      .orderBy('m.key')
      .select('m.key', 'r.peer', 'r.value')
    assert.deepEqual(
      rows.map((row) => [row.key, row.peer, Number(row.value)]),
      [
        ['bug_rate', 'peer-a', 4],
        ['cycle_time_hours', 'peer-a', 12.5],
      ]
    )
  })

  test('the old command lines read the old files', async ({ assert }) => {
    const geographies = await runAce([
      'import_geographies',
      join(OLD, 'jurisdictions.json'),
      join(OLD, 'jurisdictions_info.json'),
    ])
    assert.equal(geographies.code, 0, geographies.stderr)
    const taxonomy = await runAce(['import_compliance_standards_csv', join(OLD, 'taxonomy.tsv')])
    assert.equal(taxonomy.code, 0, taxonomy.stderr)
    assert.deepEqual(await standardsWithJurisdictions(), [
      'T101@US-CA',
      'T102@US-GA',
      'T103@GLOBAL',
    ])
  }).timeout(120_000)
})
