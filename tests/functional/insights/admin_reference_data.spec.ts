import { test } from '@japa/runner'
import { readFile } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import sextantConfig from '#config/sextant'
import AuditEvent from '#models/audit_event'
import { ensureSampleReferenceData } from '#actions/demo/insights_reference_data'
import { cachedInsight } from '#services/insights/cache'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import { postMultipart, type UploadFile } from '#tests/helpers/documents'
import { runAce } from '#tests/helpers/processes'

const PAGE = `${sextantConfig.auth.adminPath}/reference-data`

const STANDARDS_HEADER =
  'standard_code,standard_name,standard_url,jurisdictions,control_code,control_name,evidence,control_description'

async function sample(name: string): Promise<UploadFile> {
  return { name, content: await readFile(app.makePath('database', 'data', name)) }
}

async function signedInSuperuser() {
  const account = await createAccount({ role: 'owner', superuser: true })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  await web.get(PAGE)
  return { account, web }
}

async function count(table: string, where: Record<string, unknown> = {}) {
  const row = await db.from(table).where(where).count('* as total').first()
  return Number(row?.total ?? 0)
}

function upload(web: WebClient, kind: string, files: Array<[string, UploadFile]>, headers = {}) {
  return postMultipart(
    web,
    `${PAGE}/${kind}`,
    {},
    files.map(([field, file]) => ({ field, file })),
    headers
  )
}

function testId(html: string, id: string) {
  return new RegExp(`data-testid="${id}">([^<]*)<`).exec(html)?.[1]?.trim() ?? null
}

test.group('Insights admin / reference data page', (group) => {
  group.each.setup(resetDatabase)

  test('the page shows what the reference data holds and that nothing was imported', async ({
    assert,
  }) => {
    const { web } = await signedInSuperuser()
    await ensureSampleReferenceData()
    const page = await web.get(PAGE)
    assert.equal(page.status, 200)
    assert.include(page.text, '>Reference data</a>')
    assert.equal(testId(page.text, 'count-geographies'), '13')
    assert.equal(testId(page.text, 'count-standards'), String(await count('compliance_standards')))
    assert.equal(testId(page.text, 'count-controls'), '59')
    assert.equal(testId(page.text, 'count-reference-metrics'), '10')
    assert.equal(
      testId(page.text, 'count-reference-records'),
      String(await count('reference_records'))
    )
    // the counters above are not zero: the page says where they came from
    assert.include(page.text, 'came with the demo data')
    assert.include(page.text, 'no file has been imported')
    assert.notInclude(page.text, 'Nothing has been imported yet')

    const fragment = await web.get(PAGE, { 'HX-Request': 'true' })
    assert.include(fragment.text, 'id="admin-reference-data"')
    assert.notInclude(fragment.text, '<html')
  })

  test('a superuser imports jurisdictions, then standards, then reference data', async ({
    assert,
  }) => {
    const { account, web } = await signedInSuperuser()

    const geographies = await upload(web, 'geographies', [
      ['jurisdictions', await sample('jurisdictions.json')],
      ['info', await sample('jurisdictions_info.json')],
    ])
    assert.equal(geographies.status, 302)
    assert.equal(geographies.headers.get('location'), PAGE)
    assert.equal(await count('geographies'), 13)

    const standards = await upload(web, 'standards', [
      ['file', await sample('compliance_standards.csv')],
    ])
    assert.equal(standards.status, 302)
    assert.equal(await count('compliance_controls'), 59)

    const reference = await upload(web, 'reference', [
      ['files', await sample('reference_metrics.csv')],
      ['files', await sample('reference_records.csv')],
    ])
    assert.equal(reference.status, 302)
    assert.equal(await count('reference_metrics'), 10)
    const records = await count('reference_records')
    assert.isAbove(records, 0)

    const page = await web.get(PAGE)
    assert.include(page.text, `10 reference metrics and ${records} reference records imported.`)
    assert.match(
      testId(page.text, 'last-import') ?? '',
      new RegExp(`reference_metrics\\.csv, reference_records\\.csv\\s+by ${account.email}`)
    )

    const events = await AuditEvent.query().where('event', 'reference_data.imported').orderBy('id')
    assert.deepEqual(
      events.map((event) => [event.actorId, event.details.kind, event.subject]),
      [
        [account.user.id, 'geographies', 'jurisdictions.json, jurisdictions_info.json'],
        [account.user.id, 'standards', 'compliance_standards.csv'],
        [account.user.id, 'reference', 'reference_metrics.csv, reference_records.csv'],
      ]
    )
    assert.equal(events[2].details.records, records)
  })

  test('under htmx a successful import answers HX-Location with the flash', async ({ assert }) => {
    const { web } = await signedInSuperuser()
    const response = await upload(
      web,
      'reference',
      [['files', await sample('reference_metrics.csv')]],
      { 'HX-Request': 'true' }
    )
    assert.equal(response.status, 204)
    assert.equal(response.headers.get('hx-location'), PAGE)
    const page = await web.get(PAGE)
    assert.include(page.text, '10 reference metrics and 0 reference records imported.')
  })

  test('an import by "node ace import:reference-data" is audited and shown as the last import', async ({
    assert,
  }) => {
    const { web } = await signedInSuperuser()
    const result = await runAce([
      'import:reference-data',
      app.makePath('database', 'data', 'reference_metrics.csv'),
    ])
    assert.equal(result.code, 0, result.stderr)
    const event = await AuditEvent.findByOrFail('event', 'reference_data.imported')
    assert.isNull(event.actorId)
    assert.equal(event.userAgent, 'node ace')
    assert.deepEqual(event.details, {
      kind: 'reference',
      files: ['reference_metrics.csv'],
      metrics: 10,
      records: 0,
    })
    const page = await web.get(PAGE)
    assert.match(testId(page.text, 'last-import') ?? '', /reference_metrics\.csv\s+by node ace/)
  }).timeout(60_000)

  test("an import drops every organisation's cached insights", async ({ assert }) => {
    const { account, web } = await signedInSuperuser()
    let computed = 0
    const fragment = () =>
      cachedInsight(account.organization.id, 'admin-test', {}, async () => ++computed)
    assert.equal(await fragment(), 1)
    assert.equal(await fragment(), 1)
    await upload(web, 'reference', [['files', await sample('reference_metrics.csv')]])
    assert.equal(await fragment(), 2)
  })

  test('a malformed standards file shows its line and column and keeps the old standards', async ({
    assert,
  }) => {
    const { web } = await signedInSuperuser()
    await ensureSampleReferenceData()
    const controlsBefore = await db.from('compliance_controls').orderBy('code').select('code')

    const lines = [STANDARDS_HEADER]
    for (let line = 2; line <= 5; line++) {
      const evidence = line === 4 ? 'fingerprint' : 'mfa'
      lines.push(`NEW,New standard,,EU,NEW-${line},Control ${line},${evidence},`)
    }
    const response = await upload(web, 'standards', [
      ['file', { name: 'taxonomy.csv', content: lines.join('\n') }],
    ])
    assert.equal(response.status, 422)
    assert.include(response.text, '<html')
    assert.equal(
      testId(response.text, 'import-error'),
      'taxonomy.csv, line 4, column 7 (evidence): evidence is one of mfa, vulnerability_sla, status_checks, documents'
    )
    assert.deepEqual(
      await db.from('compliance_controls').orderBy('code').select('code'),
      controlsBefore
    )
    assert.equal(await count('audit_events', { event: 'reference_data.imported' }), 0)
  })

  test('a malformed reference records file changes none of the records', async ({ assert }) => {
    const { web } = await signedInSuperuser()
    await ensureSampleReferenceData()
    const recordsBefore = await count('reference_records')
    const response = await upload(web, 'reference', [
      [
        'files',
        {
          name: 'records.csv',
          content: 'metric,peer,value\ncycle_time_hours,peer-a,12\ncycle_time_hours,peer-b,fast\n',
        },
      ],
    ])
    assert.equal(response.status, 422)
    assert.match(
      testId(response.text, 'import-error') ?? '',
      /^records\.csv, line 3, column 3 \(value\): not a number$/
    )
    assert.equal(await count('reference_records'), recordsBefore)
  })

  test('invalid JSON and missing files are refused with a message and nothing imported', async ({
    assert,
  }) => {
    const { web } = await signedInSuperuser()
    const broken = await upload(web, 'geographies', [
      ['jurisdictions', { name: 'jurisdictions.json', content: '[{"code": "EU",' }],
      ['info', { name: 'jurisdictions_info.json', content: '{}' }],
    ])
    assert.equal(broken.status, 422)
    assert.match(testId(broken.text, 'import-error') ?? '', /^jurisdictions\.json: not valid JSON/)

    const missing = await upload(web, 'geographies', [
      ['jurisdictions', await sample('jurisdictions.json')],
    ])
    assert.equal(missing.status, 422)
    assert.equal(
      testId(missing.text, 'import-error'),
      'Choose the jurisdictions information JSON file.'
    )

    const wrongType = await upload(web, 'standards', [
      ['file', { name: 'standards.pdf', content: 'not a table' }],
    ])
    assert.equal(wrongType.status, 422)
    assert.include(testId(wrongType.text, 'import-error') ?? '', 'standards.pdf')
    assert.equal(await count('geographies'), 0)
  })
})

test.group('Insights admin / reference data access', (group) => {
  group.each.setup(resetDatabase)

  test('a member who is not a superuser gets the 404 of the rest of the admin area', async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'owner' })
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    await web.get('/')
    assert.equal((await web.get(PAGE)).status, 404)
    const response = await upload(web, 'reference', [
      ['files', await sample('reference_metrics.csv')],
    ])
    assert.equal(response.status, 404)
    assert.equal(await count('reference_metrics'), 0)
  })

  test('a visitor who is not signed in is sent to sign in', async ({ assert }) => {
    const response = await new WebClient().get(PAGE)
    assert.equal(response.status, 302)
    assert.match(response.location ?? '', /^\/sign-in/)
  })
})
