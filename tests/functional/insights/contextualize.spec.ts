import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { createOrganization } from '#tests/helpers/factories'
import { WebClient } from '#tests/helpers/web_client'
import { insertDeployment, insertRepository } from '#tests/helpers/insights'
import { ANOMALY_WEEK, day, seedHalvedWeek } from '#tests/helpers/seeded_anomaly'
import { runAce } from '#tests/helpers/processes'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import ContextualizeInsights from '#actions/insights/contextualize_insights'
import AlertNewAnomalies from '#actions/insights/alert_new_anomalies'
import { mailsTo } from '#tests/helpers/smtp'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sealAlertWebhook } from '#services/agreements/alert_webhook'
import { allowedHostsEachTest } from '#tests/functional/security/outbound_fixtures'

/**
 * Issue #25: a seeded anomaly (deployments halved for a week) is found
 * by the statistical pass, stored per day, shown on the Executive
 * Summary as "What changed", and the old command line runs verbatim.
 */

test.group('Insights contextualisation | statistical pass', (group) => {
  group.each.setup(resetDatabase())

  test('deployments halved for a week are found as one finding explained by the repository that slowed', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    await seedHalvedWeek(organization.id)
    const report = await new ContextualizeInsights().execute({
      organizationId: organization.id,
      days: 7,
      pipelines: ['anomalies'],
      day: '2026-03-09',
    })
    const deployments = report.findings.filter((finding) => finding.metric === 'deployments')
    assert.lengthOf(deployments, 1, JSON.stringify(report.findings))
    const [finding] = deployments
    assert.equal(finding.direction, 'down')
    // weekends are compared with weekends: Saturday's 0 is not an anomaly
    assert.deepEqual([finding.from, finding.to], ['2026-03-02', '2026-03-06'])
    assert.equal(finding.value, 15)
    assert.equal(finding.expected, 30)
    assert.equal(
      finding.summary,
      'Deployments were 50% below usual from 2026-03-02 to 2026-03-06 (15 against 30 on the same weekdays of earlier weeks).'
    )
    assert.deepEqual(finding.evidence, [
      { repository: 'acme/api', value: 5, expected: 20, change: -15 },
    ])

    const stored = await db.from('insight_findings').where('organization_id', organization.id)
    assert.isAtLeast(stored.length, 1)
    assert.isTrue(stored.every((row) => row.day === '2026-03-09'))

    // a rerun for the same day replaces its findings instead of adding to them
    await new ContextualizeInsights().execute({
      organizationId: organization.id,
      days: 7,
      pipelines: ['anomalies'],
      day: '2026-03-09',
    })
    assert.lengthOf(
      await db.from('insight_findings').where('organization_id', organization.id),
      stored.length
    )
  })

  test('a steady organisation has nothing to report', async ({ assert }) => {
    const organization = await createOrganization()
    const repositoryId = await insertRepository(organization.id, 'api')
    for (let offset = 0; offset < 63; offset++) {
      if (offset % 7 >= 5) continue
      await insertDeployment(organization.id, repositoryId, { started: `${day(offset)} 10:00` })
    }
    await new RollUpMetrics().execute({
      organizationId: organization.id,
      from: day(0),
      to: day(63),
    })
    const report = await new ContextualizeInsights().execute({
      organizationId: organization.id,
      days: 14,
      pipelines: ['anomalies'],
      day: '2026-03-09',
    })
    assert.deepEqual(report.findings, [])
  })

  test('the Executive Summary shows the finding as "What changed", linked to the rows behind it', async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'member' })
    await seedHalvedWeek(account.organization.id)
    await new ContextualizeInsights().execute({
      organizationId: account.organization.id,
      days: 7,
      pipelines: ['anomalies'],
      day: '2026-03-09',
    })
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const page = await web.get(`/insights?from=${ANOMALY_WEEK.from}&to=${ANOMALY_WEEK.to}`)
    assert.equal(page.status, 200)
    assert.include(page.text, 'What changed')
    assert.include(page.text, 'Deployments were 50% below usual from 2026-03-02 to 2026-03-06')
    assert.include(page.text, 'href="/insights/deployments?from=2026-03-02&to=2026-03-06"')

    const earlier = await web.get('/insights?from=2026-02-02&to=2026-02-08')
    assert.notInclude(earlier.text, 'What changed')
  })
})

test.group('Insights contextualisation | without a chat model', (group) => {
  group.each.setup(resetDatabase())

  test('the summary pipeline is skipped and the findings show without a narrative', async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'member' })
    await seedHalvedWeek(account.organization.id)
    const report = await new ContextualizeInsights().execute({
      organizationId: account.organization.id,
      days: 7,
      pipelines: ['anomalies', 'summary'],
      day: '2026-03-09',
    })
    assert.lengthOf(report.findings, 1)
    assert.isNull(report.narratives)
    assert.deepEqual(report.failed, [])
    assert.deepEqual(
      report.skipped.map((entry) => entry.pipeline),
      ['summary']
    )
    assert.include(report.skipped[0].reason, 'no chat model is configured')
    const stored = await db
      .from('insight_findings')
      .where('organization_id', account.organization.id)
    assert.isTrue(stored.every((row) => row.narrative === null && row.narrative_error === null))

    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const page = await web.get(`/insights?from=${ANOMALY_WEEK.from}&to=${ANOMALY_WEEK.to}`)
    assert.include(page.text, 'Deployments were 50% below usual from 2026-03-02 to 2026-03-06')
    assert.notInclude(page.text, 'Written by a model')
  })
})

test.group('Insights contextualisation | anomaly alerts', (group) => {
  group.each.setup(resetDatabase())
  group.each.setup(allowedHostsEachTest('127.0.0.1'))

  test('a new anomaly alerts the managers by e-mail and the webhook once, however often the pass reruns', async ({
    assert,
  }) => {
    const admin = await createAccount({ role: 'admin' })
    const member = await createAccount({ role: 'member', organization: admin.organization })
    const organizationId = admin.organization.id
    await seedHalvedWeek(organizationId)
    const bodies: Array<{ text: string }> = []
    const receiver = createServer((request, response) => {
      let body = ''
      request.on('data', (chunk) => (body += chunk))
      request.on('end', () => {
        bodies.push(JSON.parse(body))
        response.writeHead(200).end('ok')
      })
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook/secret`
      await db
        .from('organizations')
        .where('id', organizationId)
        .update({ alert_webhook_url: sealAlertWebhook(organizationId, url) })

      // the same day twice, then the next day: its window slides over the same anomaly
      for (const runDay of ['2026-03-09', '2026-03-09', '2026-03-10']) {
        const report = await new ContextualizeInsights().execute({
          organizationId,
          days: 7,
          pipelines: ['anomalies'],
          day: runDay,
        })
        await new AlertNewAnomalies().execute({ organizationId, findings: report.findings })
      }

      const mails = mailsTo(admin.email).filter((mail) =>
        mail.subject.includes('Deployments were 50% below usual from 2026-03-0')
      )
      assert.lengthOf(mails, 1, mails.map((mail) => mail.subject).join('\n'))
      assert.include(mails[0].text, 'acme/api: 5 against 20 usually')
      assert.include(mails[0].html, '<strong>Deployments were 50% below usual')
      assert.lengthOf(mailsTo(member.email), 0)
      const posts = bodies.filter((body) =>
        body.text.includes('Deployments were 50% below usual from 2026-03-0')
      )
      assert.lengthOf(posts, 1)
      assert.include(posts[0].text, '/insights?from=2026-03-02&to=2026-03-06')
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()))
    }
  })
})

test.group('Insights contextualisation | command line', (group) => {
  group.each.setup(resetDatabase())

  test('the old command line runs verbatim and stores the findings', async ({ assert }) => {
    const organization = await createOrganization()
    await seedHalvedWeek(organization.id)
    const result = await runAce([
      'experiment_contextualization_script',
      '--orgid',
      String(organization.id),
      '--day-interval',
      '7',
      '--pipelines',
      'anomalies,summary',
      '--day',
      '2026-03-09',
    ])
    assert.equal(result.code, 0, result.stderr + result.stdout)
    assert.include(result.stdout, 'Deployments were 50% below usual from 2026-03-02 to 2026-03-06')
    // no chat model configured: the findings are stored without a narrative, and that is no failure
    assert.include(result.stdout, 'summary: no chat model is configured (Assistant → AI models)')
    const stored = await db
      .from('insight_findings')
      .where('organization_id', organization.id)
      .where('metric', 'deployments')
    assert.lengthOf(stored, 1)
  }).timeout(90_000)

  test('bad input is one line and exit 1, and stores nothing', async ({ assert }) => {
    const organization = await createOrganization()
    const cases: Array<[string[], string]> = [
      [
        ['--org', organization.publicId, '--pipelines', 'anomalies,astrology'],
        'unknown pipeline "astrology" (known: anomalies, summary)',
      ],
      [['--orgid', '999999'], 'no organisation "999999"'],
      [
        ['--org', organization.publicId, '--days', '0'],
        '--days must be a whole number from 1 to 366',
      ],
      [
        ['--org', organization.publicId, '--day', '2026-02-30'],
        '--day "2026-02-30" is not a calendar day',
      ],
    ]
    for (const [args, message] of cases) {
      const result = await runAce(['insights:contextualize', ...args])
      assert.equal(result.code, 1, args.join(' '))
      assert.lengthOf(result.stderr.trim().split('\n'), 1, result.stderr)
      assert.include(result.stderr, message)
    }
    assert.lengthOf(await db.from('insight_findings'), 0)
  }).timeout(120_000)
})
