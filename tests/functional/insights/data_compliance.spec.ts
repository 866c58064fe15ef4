import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { saveAiCodePolicy } from '#tests/helpers/ai_code_policy'
import db from '@adonisjs/lucid/services/db'
import { ensureSampleReferenceData } from '#actions/demo/insights_reference_data'
import { complianceOverview } from '#services/insights/compliance'
import { publicIds } from '#services/public_id'
import { insertedId, sqlTime } from '#services/sql'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { createConnection } from '#tests/helpers/connections'
import { insertRepository, insertVulnerability } from '#tests/helpers/insights'
import type { ControlEvaluation, JurisdictionCompliance } from '#services/insights/types'

function control(jurisdictions: JurisdictionCompliance[], code: string): ControlEvaluation {
  for (const jurisdiction of jurisdictions) {
    for (const standard of jurisdiction.standards) {
      const found = standard.controls.find((entry) => entry.code === code)
      if (found) return found
    }
  }
  throw new Error(`no control ${code}`)
}

async function citeControl(organizationId: number, title: string, code: string) {
  const now = sqlTime()
  const id = insertedId(
    await db
      .table('documents')
      .insert({
        organization_id: organizationId,
        title,
        category: 'policy',
        created_at: now,
        updated_at: now,
      })
      .returning('id')
  )!
  // accepted by a reviewer a day ago, for a year (the review itself: evidence_review.spec.ts)
  await db.table('document_control_links').insert({
    document_id: id,
    control_code: code,
    review_status: 'accepted',
    reviewed_at: sqlTime(DateTime.now().minus({ days: 1 })),
    expires_at: sqlTime(DateTime.now().plus({ days: 364 })),
  })
  return id
}

test.group('Insights data / compliance evidence', (group) => {
  group.each.setup(resetDatabase)
  group.each.setup(async () => {
    await ensureSampleReferenceData()
  })

  test('a jurisdiction lists the standards that apply there, controls in file order', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const [us] = await complianceOverview(organization.id, 'US')
    assert.equal(us.name, 'United States (federal)')
    assert.deepEqual(
      us.standards.map((standard) => standard.code),
      ['HIPAA', 'ISO27001', 'PCIDSS', 'SOC2']
    )
    const soc2 = us.standards.find((standard) => standard.code === 'SOC2')!
    assert.deepEqual(
      soc2.controls.map((entry) => entry.code),
      ['SOC2-CC6.1', 'SOC2-CC7.1', 'SOC2-CC8.1', 'SOC2-CC1.4', 'SOC2-CC9.2']
    )
    assert.equal(soc2.met + soc2.notMet + soc2.noData, 5)
    assert.lengthOf(await complianceOverview(organization.id), 13)
    assert.deepEqual(await complianceOverview(organization.id, 'XX'), [])
  })

  test('MFA is met while the organisation requires it', async ({ assert }) => {
    const organization = await createOrganization()
    let overview = await complianceOverview(organization.id, 'US')
    assert.equal(control(overview, 'SOC2-CC6.1').status, 'met')
    assert.deepEqual(control(overview, 'SOC2-CC6.1').evidence, [
      { label: 'Organisation settings', href: '/settings/organization' },
    ])

    organization.mfaRequired = false
    await organization.save()
    overview = await complianceOverview(organization.id, 'US')
    assert.equal(control(overview, 'SOC2-CC6.1').status, 'not_met')
  })

  test('the vulnerability SLA: no data, then met, then not met once one is overdue', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    assert.equal(
      control(await complianceOverview(organization.id, 'US'), 'SOC2-CC7.1').status,
      'no_data'
    )

    const repository = await insertRepository(organization.id, 'api')
    const day = (daysAgo: number) =>
      new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 16).replace('T', ' ')
    await insertVulnerability(organization.id, repository, {
      severity: 'critical',
      introduced: day(10),
    })
    await insertVulnerability(organization.id, repository, {
      severity: 'low',
      introduced: day(100),
    })
    await insertVulnerability(organization.id, repository, {
      severity: 'critical',
      introduced: day(60),
      fixed: day(50),
    })
    assert.equal(
      control(await complianceOverview(organization.id, 'US'), 'SOC2-CC7.1').status,
      'met'
    )

    await insertVulnerability(organization.id, repository, {
      severity: 'high',
      introduced: day(31),
    })
    const sla = control(await complianceOverview(organization.id, 'US'), 'SOC2-CC7.1')
    assert.equal(sla.status, 'not_met')
    assert.equal(sla.detail, '1 open vulnerability is past the fix deadline.')
  })

  test("status checks follow the organisation's AI code policy and whether each connection can post", async ({
    assert,
  }) => {
    const organization = await createOrganization()
    assert.equal(
      control(await complianceOverview(organization.id, 'US'), 'SOC2-CC8.1').status,
      'no_data'
    )

    const connection = await createConnection(organization, {
      pluginId: 'github',
      accountKey: 'acme-rockets',
      config: { installationId: 42 },
    })
    const off = control(await complianceOverview(organization.id, 'US'), 'SOC2-CC8.1')
    assert.equal(off.status, 'not_met')
    assert.equal(off.detail, 'The AI code policy does not post the Sextant status check.')

    await saveAiCodePolicy(organization.id, { enabled: true, maxAiSharePercent: 50 })
    const checks = control(await complianceOverview(organization.id, 'US'), 'SOC2-CC8.1')
    assert.equal(checks.status, 'met')
    assert.deepEqual(checks.evidence, [
      { label: 'AI code policy: status check on', href: '/settings/ai-code-policy' },
      {
        label: 'acme-rockets: GitHub App, posts status checks',
        href: `/integrations/github/connections/${connection.publicId}/repositories`,
      },
    ])

    // a personal access token cannot post the check
    connection.configValues = {}
    await connection.save()
    assert.equal(
      control(await complianceOverview(organization.id, 'US'), 'SOC2-CC8.1').status,
      'not_met'
    )
  })

  test('a document control is met by the organisation’s own documents citing it', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const other = await createOrganization()
    await citeControl(other.id, 'Someone else’s training log', 'SOC2-CC1.4')
    assert.equal(
      control(await complianceOverview(organization.id, 'US'), 'SOC2-CC1.4').status,
      'not_met'
    )

    const id = await citeControl(organization.id, 'Security training 2026', 'SOC2-CC1.4')
    const cited = control(await complianceOverview(organization.id, 'US'), 'SOC2-CC1.4')
    assert.equal(cited.status, 'met')
    assert.deepEqual(cited.evidence, [
      {
        label: 'Security training 2026 (accepted)',
        href: `/documents/${publicIds('document').encode(id)}`,
      },
    ])

    await db.from('documents').where('id', id).update({ deleted_at: sqlTime() })
    assert.equal(
      control(await complianceOverview(organization.id, 'US'), 'SOC2-CC1.4').status,
      'not_met'
    )
  })
})
