import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { ensureSampleReferenceData } from '#actions/demo/insights_reference_data'
import { complianceOverview } from '#services/insights/compliance'
import { createAccount } from '#tests/helpers/accounts'
import { resetDatabase } from '#tests/helpers/database'
import { WebClient } from '#tests/helpers/web_client'
import { remediationTimes, slaBreaches } from '../sla.js'
import type { FakeSnyk } from './fake_snyk.js'
import { connectOrg, seedToken, startSnyk, sync } from './testbed.js'

const daysAgo = (days: number) => DateTime.utc().minus({ days }).toISO()!

/** the SOC 2 vulnerability-remediation control as Compliance Detail evaluates it */
async function remediationControl(organizationId: number) {
  const [us] = await complianceOverview(organizationId, 'US')
  return us.standards
    .flatMap((standard) => standard.controls)
    .find((control) => control.code === 'SOC2-CC7.1')!
}

test.group('Snyk | remediation SLA', (group) => {
  let snyk: FakeSnyk
  group.setup(async () => {
    snyk = await startSnyk()
    return () => snyk.stop()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => snyk.reset())

  async function criticalOpenFor(days: number, extra: Record<string, unknown> = {}) {
    const [acme] = seedToken(snyk, ['Acme'])
    const project = snyk.addProject(acme.id, {
      name: 'acme/api:package.json',
      url: 'https://github.com/acme/api',
    })
    const issue = snyk.addIssue(acme.id, project.id, {
      effective_severity_level: 'critical',
      created_at: daysAgo(days),
      key: 'SNYK-JS-LODASH-1',
      ...extra,
    })
    const account = await createAccount({ role: 'admin' })
    await ensureSampleReferenceData()
    const connection = await connectOrg(account.organization, acme.id)
    return { acme, project, issue, account, connection }
  }

  test('a critical issue open 20 days breaches the 15-day SLA and is failing evidence on Compliance Detail', async ({
    assert,
  }) => {
    const { account, connection } = await criticalOpenFor(20)
    await sync(connection)
    const control = await remediationControl(account.organization.id)
    assert.equal(control.status, 'not_met')
    assert.deepEqual(control.evidence, [
      { label: 'Acme: 1 open Snyk issue past the remediation SLA', href: '/integrations/snyk/sla' },
    ])
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const { text: detail } = await web.get('/insights/compliance?geography=US')
    assert.include(detail, 'Acme: 1 open Snyk issue past the remediation SLA')
    const { text: page } = await web.get('/integrations/snyk/sla')
    assert.include(page, '20 days (SLA 15)')
    assert.include(page, 'https://github.com/acme/api')
  })

  test('a critical issue open 10 days is within the SLA: the control is met', async ({
    assert,
  }) => {
    const { account, connection } = await criticalOpenFor(10)
    await sync(connection)
    const control = await remediationControl(account.organization.id)
    assert.equal(control.status, 'met')
  })

  test('ignoring it with a reason and an expiry clears the breach until the expiry', async ({
    assert,
  }) => {
    const created = DateTime.utc().minus({ days: 20 })
    const expires = created.plus({ days: 50 })
    const { acme, project, account, connection } = await criticalOpenFor(20, {
      ignored: true,
      created_at: created.toISO()!,
    })
    snyk.ignores.set(project.id, {
      'SNYK-JS-LODASH-1': [{ '*': { reason: 'Not reachable', expires: expires.toISO()! } }],
    })
    assert.equal(acme.attributes.name, 'Acme')
    await sync(connection)
    const { status } = await remediationControl(account.organization.id)
    assert.equal(status, 'met')
    // a day after the ignore expires, the issue breaches again
    const after = await slaBreaches(account.organization.id, {
      now: created.plus({ days: 51, hours: 1 }),
    })
    assert.lengthOf(after, 1)
    assert.equal(after[0].ageDays, 51)
  })

  test('an ignore without a reason does not clear the breach', async ({ assert }) => {
    const { project, account, connection } = await criticalOpenFor(20, { ignored: true })
    snyk.ignores.set(project.id, { 'SNYK-JS-LODASH-1': [{ '*': { reason: '', expires: null } }] })
    await sync(connection)
    const { status } = await remediationControl(account.organization.id)
    assert.equal(status, 'not_met')
  })

  test('an admin changes the SLA per organisation; a member may not', async ({ assert }) => {
    const { account, connection } = await criticalOpenFor(20)
    await sync(connection)
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    await web.get('/integrations/snyk/sla')
    const saved = await web.post('/integrations/snyk/sla', {
      critical: '30',
      high: '60',
      medium: '90',
      low: '180',
    })
    assert.include([302, 303], saved.status)
    const row = await db
      .from('snyk_remediation_slas')
      .where('organization_id', account.organization.id)
      .firstOrFail()
    assert.equal(Number(row.critical_days), 30)
    const { status } = await remediationControl(account.organization.id)
    assert.equal(status, 'met')

    const refused = await web.post('/integrations/snyk/sla', {
      critical: '0',
      high: '60',
      medium: '90',
      low: '180',
    })
    assert.notInclude([200], refused.status)
    const unchanged = await db
      .from('snyk_remediation_slas')
      .where('organization_id', account.organization.id)
      .firstOrFail()
    assert.equal(Number(unchanged.critical_days), 30)

    const member = await createAccount({ role: 'member', organization: account.organization })
    const memberWeb = new WebClient()
    await memberWeb.signIn(member.email, member.password, member.totpSecret!)
    await memberWeb.get('/integrations/snyk/sla')
    const forbidden = await memberWeb.post('/integrations/snyk/sla', {
      critical: '999',
      high: '60',
      medium: '90',
      low: '180',
    })
    assert.equal(forbidden.status, 403)
  })

  test('the SLA page shows the mean time to remediate per severity from resolved issues', async ({
    assert,
  }) => {
    const { acme, project, account, connection } = await criticalOpenFor(5)
    for (const [opened, resolved] of [
      [30, 10],
      [40, 30],
    ]) {
      snyk.addIssue(acme.id, project.id, {
        effective_severity_level: 'critical',
        created_at: daysAgo(opened),
        status: 'resolved',
        resolution: { type: 'fixed', resolved_at: daysAgo(resolved) },
      })
    }
    await sync(connection)
    const times = await remediationTimes(account.organization.id)
    assert.deepEqual(times.critical, { fixed: 2, meanDays: 15 })
    assert.deepEqual(times.high, { fixed: 0, meanDays: null })
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const { text } = await web.get('/integrations/snyk/sla')
    assert.include(text, '15 days on average (2 fixed)')
  })
})
