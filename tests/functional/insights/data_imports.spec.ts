import { test } from '@japa/runner'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import ImportComplianceStandards from '#actions/insights/import_compliance_standards'
import ImportGeographies from '#actions/insights/import_geographies'
import ImportReferenceData from '#actions/insights/import_reference_data'
import { ensureSampleReferenceData } from '#actions/demo/insights_reference_data'
import { resetDatabase } from '#tests/helpers/database'
import { projectRoot, runAce } from '#tests/helpers/processes'

const HEADER =
  'standard_code,standard_name,standard_url,jurisdictions,control_code,control_name,evidence,control_description'

/** 59 controls of one standard (lines 2–60), line 57's evidence unknown */
function standardsWithBadLine57() {
  const lines = [HEADER]
  for (let line = 2; line <= 60; line++) {
    const evidence = line === 57 ? 'fingerprint' : 'documents'
    lines.push(
      `TST,Test standard,,EU,TST-${line},Control ${line},${evidence},"Line ${line}, quoted"`
    )
  }
  return lines.join('\n')
}

async function standardsDigest() {
  const rows = await db
    .from('compliance_controls as c')
    .join('compliance_standards as s', 's.id', 'c.compliance_standard_id')
    .select('s.code as standard', 'c.code as control')
    .orderBy('c.code')
  return rows.map((row) => `${row.standard}/${row.control}`)
}

async function importSamples() {
  await ensureSampleReferenceData()
}

test.group('Insights data / imports', (group) => {
  group.each.setup(resetDatabase)

  test('the sample files import: jurisdictions, standards with their controls and links', async ({
    assert,
  }) => {
    await importSamples()
    const geographies = await db.from('geographies').count('* as total').first()
    assert.equal(Number(geographies.total), 13)
    const eu = await db.from('geographies').where('code', 'EU').first()
    assert.include(JSON.parse(eu.authorities), 'European Data Protection Board')
    const digest = await standardsDigest()
    assert.lengthOf(digest, 59)
    assert.include(digest, 'SOC2/SOC2-CC6.1')
    const gdprIn = await db
      .from('compliance_standard_geographies as l')
      .join('compliance_standards as s', 's.id', 'l.compliance_standard_id')
      .join('geographies as g', 'g.id', 'l.geography_id')
      .where('s.code', 'GDPR')
      .orderBy('g.code')
      .select('g.code')
    assert.deepEqual(
      gdprIn.map((row) => row.code),
      ['DE', 'EU']
    )
  })

  test('a standards import replaces every previous standard', async ({ assert }) => {
    await importSamples()
    await new ImportComplianceStandards().execute({
      file: 'new.csv',
      content: `${HEADER}\nNEW,New standard,https://example.com/new,EU,NEW-1,Only control,mfa,`,
    })
    assert.deepEqual(await standardsDigest(), ['NEW/NEW-1'])
  })

  test('a malformed line 57 names the line and changes nothing', async ({ assert }) => {
    await importSamples()
    const before = await standardsDigest()
    await assert.rejects(
      () =>
        new ImportComplianceStandards().execute({
          file: 'taxonomy.csv',
          content: standardsWithBadLine57(),
        }),
      /^taxonomy\.csv, line 57, column 7 \(evidence\): evidence is one of mfa, vulnerability_sla, status_checks, documents$/
    )
    assert.deepEqual(await standardsDigest(), before)
  })

  test('the command exits non-zero on line 57 and the previous standards stay', async ({
    assert,
  }) => {
    await importSamples()
    const before = await standardsDigest()
    const directory = join(projectRoot, 'tmp', 'insights-b')
    await mkdir(directory, { recursive: true })
    const file = join(directory, `taxonomy-${process.pid}.csv`)
    await writeFile(file, standardsWithBadLine57())

    const result = await runAce(['import:compliance-standards', file])
    assert.notEqual(result.code, 0)
    assert.include(result.stdout + result.stderr, 'line 57, column 7 (evidence)')
    assert.deepEqual(await standardsDigest(), before)

    const alias = await runAce(['import_compliance_standards_csv', file])
    assert.notEqual(alias.code, 0)
    assert.include(alias.stdout + alias.stderr, 'line 57')
  })

  test('a standard naming an unknown jurisdiction is refused at its cell', async ({ assert }) => {
    await importSamples()
    await assert.rejects(
      () =>
        new ImportComplianceStandards().execute({
          file: 'x.tsv',
          content: `${HEADER.replaceAll(',', '\t')}\nNEW\tNew\t\tEU;XX\tNEW-1\tOne\tmfa\t`,
        }),
      /x\.tsv, line 2, column 4 \(jurisdictions\): unknown jurisdiction "XX"/
    )
  })

  test('geographies are added and updated by code; a bad entry is named', async ({ assert }) => {
    const info = { file: 'info.json', content: '{"EU": {"summary": "Old", "authorities": []}}' }
    await new ImportGeographies().execute({
      jurisdictions: { file: 'j.json', content: '[{"code": "EU", "name": "European Union"}]' },
      info,
    })
    const result = await new ImportGeographies().execute({
      jurisdictions: {
        file: 'j.json',
        content:
          '[{"code": "eu", "name": "European Union", "region": "Europe"}, {"code": "US-CA", "name": "California"}]',
      },
      info: { file: 'info.json', content: '{"EU": {"summary": "New", "authorities": ["EDPB"]}}' },
    })
    assert.deepEqual(result, { created: 1, updated: 1 })
    const eu = await db.from('geographies').where('code', 'EU').first()
    assert.equal(eu.summary, 'New')
    assert.equal(eu.region, 'Europe')

    await assert.rejects(
      () =>
        new ImportGeographies().execute({
          jurisdictions: {
            file: 'j.json',
            content: '[{"code": "EU", "name": "EU"}, {"code": "E", "name": "?"}]',
          },
          info,
        }),
      'j.json, entry 2 ("code"): a code is like "EU", "US" or "US-CA"'
    )
    await assert.rejects(
      () =>
        new ImportGeographies().execute({ jurisdictions: { file: 'j.json', content: '[' }, info }),
      /^j\.json: not valid JSON/
    )
  })

  test('reference records replace the records of the metrics they name', async ({ assert }) => {
    const importer = new ImportReferenceData()
    await importer.execute([
      {
        file: 'metrics.csv',
        content: 'key,name,unit,direction,weight\ncycle_time_hours,Cycle time,hours,lower,3',
      },
      {
        file: 'records.csv',
        content: 'metric,peer,value\ncycle_time_hours,a,10\ncycle_time_hours,b,20\nbug_rate,a,5',
      },
    ])
    await importer.execute([
      { file: 'records.csv', content: 'metric,peer,value\ncycle_time_hours,c,30' },
    ])
    const rows = await db
      .from('reference_records as r')
      .join('reference_metrics as m', 'm.id', 'r.reference_metric_id')
      .orderBy(['m.key', 'r.peer'])
      .select('m.key', 'r.peer', 'r.value', 'm.weight')
    assert.deepEqual(
      rows.map((row) => [row.key, row.peer, Number(row.value)]),
      [
        ['bug_rate', 'a', 5],
        ['cycle_time_hours', 'c', 30],
      ]
    )
    assert.equal(Number(rows[1].weight), 3)
  })

  test('a bad reference value is named and nothing of any file is written', async ({ assert }) => {
    await assert.rejects(
      () =>
        new ImportReferenceData().execute([
          {
            file: 'metrics.csv',
            content: 'key,name,unit,direction,weight\nbug_rate,Bugs,%,lower,1',
          },
          { file: 'records.csv', content: 'metric,peer,value\nbug_rate,a,5\nbug_rate,b,five' },
        ]),
      'records.csv, line 3, column 3 (value): not a number'
    )
    const metrics = await db.from('reference_metrics').count('* as total').first()
    assert.equal(Number(metrics.total), 0)
  })
})
