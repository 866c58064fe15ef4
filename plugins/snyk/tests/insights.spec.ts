import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { vulnerabilityOverview } from '#services/insights/metrics'
import { createAccount } from '#tests/helpers/accounts'
import { resetDatabase } from '#tests/helpers/database'
import { WebClient } from '#tests/helpers/web_client'
import type { FakeSnyk } from './fake_snyk.js'
import { connectOrg, seedToken, startSnyk, sync } from './testbed.js'

const daysAgo = (days: number) => DateTime.utc().minus({ days }).toISO()!

test.group('Snyk | what it feeds', (group) => {
  let snyk: FakeSnyk
  group.setup(async () => {
    snyk = await startSnyk()
    return () => snyk.stop()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => snyk.reset())

  test('synced Snyk issues are the Executive Summary vulnerability numbers', async ({ assert }) => {
    const [acme] = seedToken(snyk, ['Acme'])
    const project = snyk.addProject(acme.id, {
      name: 'acme/api:package.json',
      url: 'https://github.com/acme/api',
    })
    for (let i = 0; i < 2; i++) {
      snyk.addIssue(acme.id, project.id, {
        effective_severity_level: 'critical',
        created_at: daysAgo(40),
      })
    }
    for (let i = 0; i < 3; i++) {
      snyk.addIssue(acme.id, project.id, {
        effective_severity_level: 'high',
        created_at: daysAgo(5),
      })
    }
    snyk.addIssue(acme.id, project.id, {
      effective_severity_level: 'critical',
      created_at: daysAgo(30),
      status: 'resolved',
      resolution: { type: 'fixed', resolved_at: daysAgo(20) },
    })
    // a licence finding is not a vulnerability
    snyk.addIssue(acme.id, project.id, { type: 'license', effective_severity_level: 'critical' })
    const account = await createAccount({ role: 'admin' })
    const run = await sync(await connectOrg(account.organization, acme.id))
    assert.equal(run.status, 'succeeded', run.error ?? '')

    const today = DateTime.utc().toISODate()!
    const overview = await vulnerabilityOverview({
      organizationId: account.organization.id,
      from: DateTime.utc().minus({ days: 30 }).toISODate()!,
      to: today,
    })
    assert.equal(overview.total, 5)
    assert.equal(overview.bySeverity.critical.open, 2)
    assert.equal(overview.bySeverity.critical.ages.from30to90, 2)
    assert.equal(overview.bySeverity.high.open, 3)

    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const { text: page } = await web.get('/insights')
    assert.include(page, '2 critical vulnerabilities open')
  })
})
