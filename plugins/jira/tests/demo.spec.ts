import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { FencedDomainStore } from '#services/domain/domain_store'
import { summarizeMetrics } from '#services/insights/metrics'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { populateDemoData } from '../demo.js'

/**
 * The demo organisation's Jira share: projects of issues with status
 * histories, bugs and incidents resolved within hours, written again
 * without duplicates.
 */
test.group('Jira | demo data', (group) => {
  group.each.setup(resetDatabase())

  test('issues with histories, bugs and incidents that give a bug rate and a time to restore', async ({
    assert,
  }) => {
    const organization = await createOrganization()
    const store = new FencedDomainStore(
      { organizationId: organization.id, provider: 'jira', connectionId: null },
      () => {}
    )
    const now = Date.UTC(2026, 11, 1)
    await populateDemoData({ store, now })
    await populateDemoData({ store, now })

    const issues = await db.from('issues').where('organization_id', organization.id)
    assert.lengthOf(issues, 120)
    const types = new Set(issues.map((issue) => issue.type))
    assert.includeMembers([...types], ['bug', 'incident', 'story'])
    const [{ total }] = await db
      .from('issue_status_transitions')
      .where('organization_id', organization.id)
      .count('* as total')
    assert.isAbove(Number(total), 200)

    // LAUNCH plans in sprints: closed ones and the active one, its issues in them with points
    const sprints = await db.from('sprints').where('organization_id', organization.id)
    assert.lengthOf(sprints, 7)
    assert.deepEqual(
      sprints.filter((sprint) => sprint.state === 'active').map((sprint) => sprint.name),
      ['LAUNCH Sprint 7']
    )
    const planned = issues.filter((issue) => issue.sprint !== null)
    assert.lengthOf(planned, 60)
    assert.isTrue(planned.every((issue) => issue.project_key === 'LAUNCH'))
    const names = new Set(sprints.map((sprint) => sprint.name))
    assert.isTrue(planned.every((issue) => names.has(issue.sprint)))
    assert.isAbove(planned.filter((issue) => issue.story_points !== null).length, 30)

    await new RollUpMetrics().execute({ organizationId: organization.id })
    const summary = await summarizeMetrics({
      organizationId: organization.id,
      from: '2026-09-01',
      to: '2026-11-30',
    })
    assert.isAbove(summary.bugRate ?? 0, 0)
    assert.isAbove(summary.timeToRestoreHours ?? 0, 0)
    assert.isBelow(summary.timeToRestoreHours ?? 99, 7)
  })
})
