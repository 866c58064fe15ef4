import { test } from '@japa/runner'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import UploadDocuments from '#actions/documents/upload_documents'
import ReplaceDocument from '#actions/documents/replace_document'
import { SAMPLES, emptyDisk, useDisk } from '#tests/helpers/documents'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { ensureSampleReferenceData } from '#actions/demo/insights_reference_data'
import ReviewEvidence from '#actions/compliance/review_evidence'
import DocumentControlLink from '#models/document_control_link'
import { complianceOverview } from '#services/insights/compliance'
import { sqlTime } from '#services/sql'
import { CLI_META } from '#services/audit'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount, type TestAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import type { JurisdictionCompliance } from '#services/insights/types'

/**
 * Compliance evidence auditors can trust (issue 14): a document citing a
 * control is submitted, not met; a member allowed to review compliance
 * evidence accepts it (until an expiry) or rejects it with a reason; the
 * audit log records each review.
 */
const CONTROL = 'SOC2-CC1.4'

function statusOf(jurisdictions: JurisdictionCompliance[]) {
  for (const jurisdiction of jurisdictions) {
    for (const standard of jurisdiction.standards) {
      const found = standard.controls.find((entry) => entry.code === CONTROL)
      if (found) return found
    }
  }
  throw new Error(`no control ${CONTROL}`)
}

/** a PDF uploaded by the account, citing the control */
async function uploadedCitation(account: TestAccount) {
  const tmpPath = join(tmpdir(), `training-${process.pid}-${Date.now()}.pdf`)
  const pdf = SAMPLES.pdf()
  await writeFile(tmpPath, pdf)
  const [uploaded] = await new UploadDocuments().execute({
    organization: account.organization,
    actor: account.user,
    files: [{ tmpPath, clientName: 'training.pdf', size: pdf.length }],
    title: 'Security training 2026',
    category: 'policy',
    controlCodes: [CONTROL],
    meta: CLI_META,
  })
  return uploaded.publicId
}

test.group('Documents | compliance evidence review', (group) => {
  group.setup(() => useDisk('fs'))
  group.each.setup(resetDatabase)
  group.each.setup(() => emptyDisk('fs'))
  group.each.setup(async () => {
    await ensureSampleReferenceData()
  })

  test('a newly cited document awaits review and does not meet the control', async ({ assert }) => {
    const admin = await createAccount({ role: 'admin' })
    await uploadedCitation(admin)
    const control = statusOf(await complianceOverview(admin.organization.id, 'US'))
    assert.equal(control.status, 'not_met')
    assert.include(control.detail, '1 document awaits review')
    assert.equal(control.evidence[0].label, 'Security training 2026 (awaiting review)')
  })

  test('a reviewer accepts it on the document page: the control is met, with reviewer, date and expiry, and audited', async ({
    assert,
  }) => {
    const admin = await createAccount({ role: 'admin' })
    const documentId = await uploadedCitation(admin)
    const web = new WebClient()
    await web.signIn(admin.email, admin.password, admin.totpSecret!)
    const page = await web.get(`/documents/${documentId}`)
    assert.include(page.text, 'Awaiting review')
    assert.notMatch(page.text, /@if\(|@end/)
    const saved = await web.post(`/documents/${documentId}/evidence/review`, {
      controlCode: CONTROL,
      decision: 'accept',
      validForDays: '90',
    })
    assert.equal(saved.location, `/documents/${documentId}`)

    const control = statusOf(await complianceOverview(admin.organization.id, 'US'))
    assert.equal(control.status, 'met')
    assert.equal(control.evidence[0].label, 'Security training 2026 (accepted)')
    const link = await db.from('document_control_links').where('control_code', CONTROL).first()
    assert.equal(link.review_status, 'accepted')
    assert.equal(link.reviewed_by_id, admin.user.id)
    const stored = await DocumentControlLink.findOrFail(link.id)
    assert.closeTo(stored.expiresAt!.diffNow('days').days, 90, 0.01)
    const shown = await web.get(`/documents/${documentId}`)
    assert.include(shown.text, 'Accepted')
    assert.include(shown.text, admin.user.displayName)

    const audit = await db
      .from('audit_events')
      .where('organization_id', admin.organization.id)
      .where('event', 'compliance.evidence_accepted')
      .first()
    assert.equal(audit.actor_id, admin.user.id)
    assert.include(audit.subject, CONTROL)
  })

  test('accepted evidence past its expiry returns the control to needing evidence', async ({
    assert,
  }) => {
    const admin = await createAccount({ role: 'admin' })
    const documentId = await uploadedCitation(admin)
    await new ReviewEvidence().execute({
      organization: admin.organization,
      reviewer: admin.user,
      documentPublicId: documentId,
      controlCode: CONTROL,
      decision: 'accept',
      meta: CLI_META,
    })
    assert.equal(statusOf(await complianceOverview(admin.organization.id, 'US')).status, 'met')
    await db
      .from('document_control_links')
      .where('control_code', CONTROL)
      .update({ expires_at: sqlTime(DateTime.now().minus({ minutes: 1 })) })
    const control = statusOf(await complianceOverview(admin.organization.id, 'US'))
    assert.equal(control.status, 'not_met')
    assert.include(control.detail, 'expired')
    assert.equal(control.evidence[0].label, 'Security training 2026 (expired)')
  })

  test('a rejection needs a reason, which the document shows', async ({ assert }) => {
    const admin = await createAccount({ role: 'admin' })
    const documentId = await uploadedCitation(admin)
    const web = new WebClient()
    await web.signIn(admin.email, admin.password, admin.totpSecret!)
    await web.get(`/documents/${documentId}`)
    const refused = await web.post(`/documents/${documentId}/evidence/review`, {
      controlCode: CONTROL,
      decision: 'reject',
      reason: '  ',
    })
    assert.equal(refused.status, 422)
    assert.include(refused.text, 'Say why the evidence is rejected')
    const untouched = await db.from('document_control_links').where('control_code', CONTROL).first()
    assert.equal(untouched.review_status, 'submitted')

    await web.get(`/documents/${documentId}`)
    await web.post(`/documents/${documentId}/evidence/review`, {
      controlCode: CONTROL,
      decision: 'reject',
      reason: 'Covers 2025 only',
    })
    const control = statusOf(await complianceOverview(admin.organization.id, 'US'))
    assert.equal(control.status, 'not_met')
    assert.include(control.detail, 'rejected')
    assert.include((await web.get(`/documents/${documentId}`)).text, 'Covers 2025 only')
    const audit = await db
      .from('audit_events')
      .where('event', 'compliance.evidence_rejected')
      .first()
    assert.include(audit.metadata, 'Covers 2025 only')
  })

  test('a member who may upload may not review, and sees no review form', async ({ assert }) => {
    const admin = await createAccount({ role: 'admin' })
    const member = await createAccount({ organization: admin.organization, role: 'member' })
    const documentId = await uploadedCitation(admin)
    const web = new WebClient()
    await web.signIn(member.email, member.password, member.totpSecret!)
    const page = await web.get(`/documents/${documentId}`)
    assert.include(page.text, 'Awaiting review')
    assert.notInclude(page.text, `Accept ${CONTROL}`)
    const refused = await web.post(`/documents/${documentId}/evidence/review`, {
      controlCode: CONTROL,
      decision: 'accept',
    })
    assert.equal(refused.status, 403)
    assert.equal(statusOf(await complianceOverview(admin.organization.id, 'US')).status, 'not_met')
  })

  test('a new version of an accepted document awaits review again', async ({ assert }) => {
    const admin = await createAccount({ role: 'admin' })
    const documentId = await uploadedCitation(admin)
    const pdf = SAMPLES.pdf()
    await new ReviewEvidence().execute({
      organization: admin.organization,
      reviewer: admin.user,
      documentPublicId: documentId,
      controlCode: CONTROL,
      decision: 'accept',
      meta: CLI_META,
    })
    assert.equal(statusOf(await complianceOverview(admin.organization.id, 'US')).status, 'met')
    const nextPath = join(tmpdir(), `training-v2-${process.pid}-${Date.now()}.pdf`)
    await writeFile(nextPath, pdf)
    await new ReplaceDocument().execute({
      organization: admin.organization,
      actor: admin.user,
      documentPublicId: documentId,
      file: { tmpPath: nextPath, clientName: 'training.pdf', size: pdf.length },
      meta: CLI_META,
    })
    const control = statusOf(await complianceOverview(admin.organization.id, 'US'))
    assert.equal(control.status, 'not_met')
    assert.include(control.detail, 'awaits review')
  })
})
