import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { readFile } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import { insertVulnerability } from '#tests/helpers/insights'
import ImportGeographies from '#actions/insights/import_geographies'
import ImportComplianceStandards from '#actions/insights/import_compliance_standards'
import Document from '#models/document'
import { sqlTime } from '#services/sql'

/**
 * The sample reference data shipped under database/data.
 */
async function importSamples() {
  const read = async (name: string) => ({
    file: name,
    content: await readFile(app.makePath('database/data', name), 'utf8'),
  })
  await new ImportGeographies().execute({
    jurisdictions: await read('jurisdictions.json'),
    info: await read('jurisdictions_info.json'),
  })
  await new ImportComplianceStandards().execute(await read('compliance_standards.csv'))
}

async function signedIn() {
  await importSamples()
  const account = await createAccount({ role: 'member' })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  return { account, web }
}

/**
 * A document citing a control, written straight to the tables (the
 * file itself plays no part in the evidence status).
 */
async function documentCiting(organizationId: number, title: string, controlCode: string) {
  const [row] = await db
    .table('documents')
    .insert({
      organization_id: organizationId,
      title,
      category: 'policy',
      created_at: sqlTime(),
      updated_at: sqlTime(),
    })
    .returning('id')
  const id = Number(typeof row === 'object' ? row.id : row)
  // accepted by a reviewer (the review itself: documents/evidence_review.spec.ts)
  await db.table('document_control_links').insert({
    document_id: id,
    control_code: controlCode,
    review_status: 'accepted',
    reviewed_at: sqlTime(),
    expires_at: sqlTime(DateTime.now().plus({ days: 365 })),
  })
  return (await Document.findOrFail(id)).publicId
}

function rowOf(html: string, controlCode: string) {
  const match = new RegExp(
    `<tr data-control="${controlCode.replace('.', '\\.')}">([\\s\\S]*?)</tr>`
  ).exec(html)
  if (!match) throw new Error(`no row for ${controlCode}`)
  return match[1]
}

test.group('Insights pages | compliance', (group) => {
  group.each.setup(resetDatabase())

  test("a jurisdiction's standards list each control with a status derived from the organisation's data", async ({
    assert,
  }) => {
    const { account, web } = await signedIn()
    const policy = await documentCiting(
      account.organization.id,
      'Security training records',
      'SOC2-CC1.4'
    )
    await insertVulnerability(account.organization.id, null, {
      severity: 'critical',
      introduced: '2025-01-01 00:00',
    })
    const page = await web.get('/insights/compliance?geography=US')
    assert.equal(page.status, 200)
    assert.include(page.text, 'United States (federal)')
    assert.include(page.text, 'data-standard="SOC2"')
    assert.match(page.text, /<svg [^>]*role="(?:img|group)"/)

    const mfa = rowOf(page.text, 'SOC2-CC6.1')
    assert.include(mfa, 'status--met')
    assert.include(mfa, 'href="/settings/organization"')
    const sla = rowOf(page.text, 'SOC2-CC7.1')
    assert.include(sla, 'status--not_met')
    assert.include(sla, '1 open vulnerability is past the fix deadline.')
    const checks = rowOf(page.text, 'SOC2-CC8.1')
    assert.include(checks, 'status--no_data')
    const training = rowOf(page.text, 'SOC2-CC1.4')
    assert.include(training, 'status--met')
    assert.include(
      training,
      `<a href="/documents/${policy}">Security training records (accepted)</a>`
    )
  })

  test('the selector swaps the body under htmx; an unknown jurisdiction is a 404', async ({
    assert,
  }) => {
    const { web } = await signedIn()
    const partial = await web.get('/insights/compliance?geography=DE', {
      'HX-Request': 'true',
      'HX-Target': 'insights-body',
    })
    assert.equal(partial.status, 200)
    assert.match(partial.text.trim(), /^<div id="insights-body"/)
    assert.include(partial.text, 'Germany')
    assert.notInclude(partial.text, 'United States (federal)')
    const all = await web.get('/insights/compliance?geography=ALL')
    assert.include(all.text, 'Germany')
    assert.include(all.text, 'United States (federal)')
    assert.equal((await web.get('/insights/compliance?geography=XX')).status, 404)
  })

  test('the controls download as CSV with their status, reason and evidence', async ({
    assert,
  }) => {
    const { web } = await signedIn()
    const page = await web.get('/insights/compliance?geography=US')
    assert.include(page.text, 'data-export="controls"')
    const csv = await web.get('/insights/compliance?geography=US&format=csv&table=controls')
    assert.equal(csv.status, 200)
    assert.match(csv.headers.get('content-disposition') ?? '', /filename="compliance-us-controls-/)
    const lines = csv.text.trimEnd().split('\r\n')
    assert.equal(lines[0], 'Jurisdiction,Standard,Control,Name,Status,Why,Evidence')
    const mfa = lines.find((line) => line.includes(',SOC2-CC6.1,'))!
    assert.match(mfa, /^United States \(federal\),SOC2,SOC2-CC6\.1,Logical access security,Met,/)
    assert.include(mfa, 'Organisation settings (/settings/organization)')
  })

  test('without reference data the page explains how to import it', async ({ assert }) => {
    const account = await createAccount({ role: 'viewer' })
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const page = await web.get('/insights/compliance')
    assert.equal(page.status, 200)
    assert.include(page.text, 'data-testid="compliance-empty"')
    assert.include(page.text, 'node ace import:compliance-standards')
  })
})
