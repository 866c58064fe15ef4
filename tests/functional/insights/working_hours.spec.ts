import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import AuditEvent from '#models/audit_event'
import Organization from '#models/organization'
import { FencedDomainStore } from '#services/domain/domain_store'
import { summarizeMetrics } from '#services/insights/metrics'
import { workingSeconds } from '#services/insights/working_hours'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { insertRepository } from '#tests/helpers/insights'
import { WebClient } from '#tests/helpers/web_client'

/**
 * Working hours (issue 28 item 4): an organisation may count time to
 * first review in its working days and hours, in its time zone, instead
 * of calendar hours. Its choice, on the organisation settings page.
 */
const WEEK = { from: '2026-03-02', to: '2026-03-08' }
const NINE_TO_FIVE = { days: [1, 2, 3, 4, 5], starts: '09:00', ends: '17:00', zone: 'UTC' }

async function reviewedOverTheWeekend(organizationId: number) {
  const repositoryId = await insertRepository(organizationId, 'api')
  const repository = await db.from('repositories').where('id', repositoryId).firstOrFail()
  const store = new FencedDomainStore({ organizationId, provider: 'github', connectionId: null })
  // ready Friday 2026-02-27 16:00 UTC, first review Monday 2026-03-02 10:00 UTC
  await store.upsertPullRequests([
    {
      externalId: 'pr-1',
      repositoryExternalId: repository.external_id,
      number: 1,
      title: 'Change',
      state: 'open',
      authorLogin: 'ada',
      openedAt: '2026-02-27T16:00:00Z',
      firstReviewAt: '2026-03-02T10:00:00Z',
    },
  ])
}

test.group('Insights / working hours', (group) => {
  group.each.setup(resetDatabase)

  test('working seconds count only working days between the start and end of the day', ({
    assert,
  }) => {
    const at = (iso: string) => new Date(iso)
    // Friday 16:00 → Monday 10:00: 1 h on Friday, 1 h on Monday
    assert.equal(
      workingSeconds(at('2026-02-27T16:00:00Z'), at('2026-03-02T10:00:00Z'), NINE_TO_FIVE),
      7200
    )
    // all inside Saturday: nothing
    assert.equal(
      workingSeconds(at('2026-02-28T10:00:00Z'), at('2026-02-28T15:00:00Z'), NINE_TO_FIVE),
      0
    )
    // Monday 07:00 → 20:00: the 8 working hours
    assert.equal(
      workingSeconds(at('2026-03-02T07:00:00Z'), at('2026-03-02T20:00:00Z'), NINE_TO_FIVE),
      8 * 3600
    )
    // an end before the start is no time
    assert.equal(
      workingSeconds(at('2026-03-02T12:00:00Z'), at('2026-03-02T11:00:00Z'), NINE_TO_FIVE),
      0
    )
  })

  test('working hours are placed in the organisation’s time zone, daylight saving included', ({
    assert,
  }) => {
    const paris = { ...NINE_TO_FIVE, zone: 'Europe/Paris' }
    // Monday 2026-03-30 (summer time, UTC+2): 09:00–17:00 Paris is 07:00–15:00 UTC
    assert.equal(
      workingSeconds(new Date('2026-03-30T06:00:00Z'), new Date('2026-03-30T08:00:00Z'), paris),
      3600
    )
    // Monday 2026-03-23 (winter time, UTC+1): 08:00–16:00 UTC
    assert.equal(
      workingSeconds(new Date('2026-03-23T06:00:00Z'), new Date('2026-03-23T09:00:00Z'), paris),
      3600
    )
  })

  test('an organisation counting calendar hours sees the weekend in its first review time', async ({
    assert,
  }) => {
    const owner = await createAccount({ role: 'owner' })
    await reviewedOverTheWeekend(owner.organization.id)
    await new RollUpMetrics().execute({ organizationId: owner.organization.id })
    const summary = await summarizeMetrics({ organizationId: owner.organization.id, ...WEEK })
    assert.equal(summary.firstReviewHours, 66)
    assert.equal(summary.percentiles.first_review.median, 66)
  })

  test('an organisation choosing working hours on its settings page counts 2 hours, and the change is audited', async ({
    assert,
  }) => {
    const owner = await createAccount({ role: 'owner' })
    const organizationId = owner.organization.id
    await reviewedOverTheWeekend(organizationId)
    await new RollUpMetrics().execute({ organizationId })

    const web = new WebClient()
    await web.signIn(owner.email, owner.password, owner.totpSecret!)
    const form = await web.get('/settings/organization')
    assert.include(form.text, 'name="firstReviewHours" value="calendar" checked')
    const saved = await web.post('/settings/organization', {
      name: owner.organization.name,
      mfaRequired: 'required',
      firstReviewHours: 'working',
      workingDays: ['1', '2', '3', '4', '5'],
      workingDayStarts: '09:00',
      workingDayEnds: '17:00',
    })
    assert.equal(saved.location, '/settings/organization')
    const organization = await Organization.findOrFail(organizationId)
    assert.isTrue(organization.workingHoursOnly)

    // the settings change rebuilt the rollup
    const summary = await summarizeMetrics({ organizationId, ...WEEK })
    assert.equal(summary.firstReviewHours, 2)
    assert.equal(summary.percentiles.first_review.median, 2)
    assert.equal(summary.percentiles.first_review.count, 1)
    const audit = await AuditEvent.query()
      .where('organization_id', organizationId)
      .where('event', 'organization.updated')
      .firstOrFail()
    assert.include(JSON.stringify(audit.details), '"workingHoursOnly":true')

    // a weekend worker: Saturday counts too (16:00–17:00 Fri, 09:00–17:00 Sat, 09:00–10:00 Mon)
    await web.get('/settings/organization')
    await web.post('/settings/organization', {
      name: owner.organization.name,
      mfaRequired: 'required',
      firstReviewHours: 'working',
      workingDays: ['1', '2', '3', '4', '5', '6'],
      workingDayStarts: '09:00',
      workingDayEnds: '17:00',
    })
    const withSaturday = await summarizeMetrics({ organizationId, ...WEEK })
    assert.equal(withSaturday.firstReviewHours, 10)
  })

  test('a working day that ends before it starts, or no working day, is refused and changes nothing', async ({
    assert,
  }) => {
    const owner = await createAccount({ role: 'owner' })
    const web = new WebClient()
    await web.signIn(owner.email, owner.password, owner.totpSecret!)
    await web.get('/settings/organization')
    const backwards = await web.post('/settings/organization', {
      name: owner.organization.name,
      mfaRequired: 'required',
      firstReviewHours: 'working',
      workingDays: ['1', '2'],
      workingDayStarts: '17:00',
      workingDayEnds: '09:00',
    })
    assert.equal(backwards.status, 302)
    assert.include(
      (await web.get('/settings/organization')).text,
      'The working day must end after it starts'
    )
    const noDay = await web.post('/settings/organization', {
      name: owner.organization.name,
      mfaRequired: 'required',
      firstReviewHours: 'working',
      workingDayStarts: '09:00',
      workingDayEnds: '17:00',
    })
    assert.equal(noDay.status, 302)
    assert.include((await web.get('/settings/organization')).text, 'Tick at least one working day.')
    const organization = await Organization.findOrFail(owner.organization.id)
    assert.isFalse(organization.workingHoursOnly)
    assert.equal(organization.workingDays, '1,2,3,4,5')
  })
})
