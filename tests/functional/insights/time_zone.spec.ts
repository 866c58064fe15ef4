import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import { dailySeries, summarizeMetrics } from '#services/insights/metrics'
import { resolveFilters } from '#services/insights_pages/date_range'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { createOrganization } from '#tests/helpers/factories'
import { insertPullRequest, insertRepository } from '#tests/helpers/insights'
import { WebClient } from '#tests/helpers/web_client'

/**
 * The organisation's time zone drives the insights' days (#28 item 9).
 * Australia/Sydney is UTC+11 (AEDT) until 2026-04-05 03:00 local
 * (2026-04-04 16:00 UTC), then UTC+10 (AEST).
 */
async function organizationIn(timeZone: string) {
  const organization = await createOrganization()
  await db.from('organizations').where('id', organization.id).update({ time_zone: timeZone })
  const repositoryId = await insertRepository(organization.id, 'api')
  return { organizationId: organization.id, repositoryId }
}

async function mergedOn(organizationId: number, day: string) {
  const summary = await summarizeMetrics({ organizationId, from: day, to: day })
  return summary.pullRequestsMerged
}

test.group('Insights / organisation time zone', (group) => {
  group.each.setup(resetDatabase)

  test('in Australia/Sydney a merge at 23:30 UTC counts on the next local day', async ({
    assert,
  }) => {
    const { organizationId, repositoryId } = await organizationIn('Australia/Sydney')
    // 2026-03-04 23:30 UTC is 2026-03-05 10:30 in Sydney (+11)
    await insertPullRequest(organizationId, repositoryId, {
      opened: '2026-03-04 20:00',
      merged: '2026-03-04 23:30',
    })
    await new RollUpMetrics().execute({ organizationId })
    assert.equal(await mergedOn(organizationId, '2026-03-04'), 0)
    assert.equal(await mergedOn(organizationId, '2026-03-05'), 1)
  })

  test('in UTC (the default) the same merge counts on its UTC day', async ({ assert }) => {
    const organization = await createOrganization()
    const repositoryId = await insertRepository(organization.id, 'api')
    await insertPullRequest(organization.id, repositoryId, {
      opened: '2026-03-04 20:00',
      merged: '2026-03-04 23:30',
    })
    await new RollUpMetrics().execute({ organizationId: organization.id })
    assert.equal(await mergedOn(organization.id, '2026-03-04'), 1)
    assert.equal(await mergedOn(organization.id, '2026-03-05'), 0)
  })

  test('the local day follows daylight saving: +11 before the change, +10 after', async ({
    assert,
  }) => {
    const { organizationId, repositoryId } = await organizationIn('Australia/Sydney')
    // 2026-04-04 13:30 UTC: +11 → 2026-04-05 00:30 local
    await insertPullRequest(organizationId, repositoryId, {
      opened: '2026-04-04 10:00',
      merged: '2026-04-04 13:30',
    })
    // 2026-04-05 13:30 UTC: +10 → 2026-04-05 23:30 local (with +11 it would be 04-06)
    await insertPullRequest(organizationId, repositoryId, {
      opened: '2026-04-05 10:00',
      merged: '2026-04-05 13:30',
    })
    await new RollUpMetrics().execute({ organizationId })
    assert.equal(await mergedOn(organizationId, '2026-04-04'), 0)
    assert.equal(await mergedOn(organizationId, '2026-04-05'), 2)
    assert.equal(await mergedOn(organizationId, '2026-04-06'), 0)
  })

  test('weekly buckets are made of local days', async ({ assert }) => {
    const { organizationId, repositoryId } = await organizationIn('Australia/Sydney')
    // Sunday 2026-03-08 14:00 UTC is Monday 2026-03-09 01:00 in Sydney: the next week
    await insertPullRequest(organizationId, repositoryId, {
      opened: '2026-03-08 10:00',
      merged: '2026-03-08 14:00',
    })
    await new RollUpMetrics().execute({ organizationId })
    const weeks = await dailySeries(
      { organizationId, from: '2026-03-02', to: '2026-03-15' },
      { bucket: 'week' }
    )
    assert.deepEqual(
      weeks.map((week) => [week.day, week.values.pullRequestsMerged]),
      [
        ['2026-03-02', 0],
        ['2026-03-09', 1],
      ]
    )
  })

  test('presets count back from the local today', async ({ assert }) => {
    // 2026-03-04 23:30 UTC is already 2026-03-05 in Sydney
    const now = DateTime.fromISO('2026-03-04T23:30:00Z').setZone('Australia/Sydney')
    const filters = await resolveFilters({ range: '30' }, now)
    assert.equal(filters.range.to, '2026-03-05')
    assert.equal(filters.range.from, '2026-02-04')
    const future = await resolveFilters(
      { range: 'custom', from: '2026-03-01', to: '2026-03-05' },
      now
    )
    assert.isNull(future.error)
  })

  test('an owner sets the time zone on the settings page and the rollup follows it', async ({
    assert,
  }) => {
    const owner = await createAccount({ role: 'owner' })
    const repositoryId = await insertRepository(owner.organization.id, 'api')
    await insertPullRequest(owner.organization.id, repositoryId, {
      opened: '2026-03-04 20:00',
      merged: '2026-03-04 23:30',
    })
    await new RollUpMetrics().execute({ organizationId: owner.organization.id })
    assert.equal(await mergedOn(owner.organization.id, '2026-03-04'), 1)

    const web = new WebClient()
    await web.signIn(owner.email, owner.password, owner.totpSecret!)
    const page = await web.get('/settings/organization')
    assert.include(page.text, '<option value="Australia/Sydney"')
    const saved = await web.post('/settings/organization', {
      name: owner.organization.name,
      mfaRequired: 'required',
      timeZone: 'Australia/Sydney',
    })
    assert.equal(saved.location, '/settings/organization')
    await owner.organization.refresh()
    assert.equal(owner.organization.timeZone, 'Australia/Sydney')
    assert.equal(await mergedOn(owner.organization.id, '2026-03-04'), 0)
    assert.equal(await mergedOn(owner.organization.id, '2026-03-05'), 1)
  })

  test('an unknown time zone is refused with a message and changes nothing', async ({ assert }) => {
    const owner = await createAccount({ role: 'owner' })
    const web = new WebClient()
    await web.signIn(owner.email, owner.password, owner.totpSecret!)
    await web.get('/settings/organization')
    const refused = await web.post('/settings/organization', {
      name: 'Renamed',
      mfaRequired: 'required',
      timeZone: "Mars/Olympus'; DROP",
    })
    assert.equal(refused.status, 302)
    const page = await web.get('/settings/organization')
    assert.include(page.text, 'Choose a time zone from the list')
    await owner.organization.refresh()
    assert.equal(owner.organization.timeZone, 'UTC')
    assert.notEqual(owner.organization.name, 'Renamed')
  })
})
