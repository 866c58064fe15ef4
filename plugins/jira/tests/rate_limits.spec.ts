import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import type { FakeJira } from './fake_jira/server.js'
import { quota } from './fake_jira/quota.js'
import { seedIssues } from './fake_jira/seed.js'
import { connectSite, startJira } from './testbed.js'

/**
 * Jira Cloud's points-based quota for OAuth apps: every answer says what
 * is left (RateLimit r=…;t=…, X-RateLimit-NearLimit), and the sync holds
 * back before the quota runs out instead of being refused; a 429 that
 * comes anyway is waited out for its Retry-After.
 */
const isSearch = (path: string) => /\/search\/jql$/.test(path)

async function issueCount(organizationId: number) {
  const [{ total }] = await db
    .from('issues')
    .where('organization_id', organizationId)
    .count('* as total')
  return Number(total)
}

test.group('Jira | rate limits', (group) => {
  let jira: FakeJira
  group.setup(async () => {
    jira = await startJira()
    return () => jira.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => jira.reset())

  test('with too few points left for another page, the sync waits for the reset and is never refused', async ({
    assert,
  }) => {
    seedIssues(jira.site('c1'), ['ENG'], 500)
    // a page of 100 issues costs 101 points: two pages fit in a window
    jira.state.quota = quota(250, 4000)
    const organization = await createOrganization()
    const connection = await connectSite(organization, jira, 'c1')
    const runs = await new RunSync().execute({ connection, trigger: 'cli' })
    assert.isTrue(
      runs.every((run) => run.status === 'succeeded'),
      runs.map((run) => run.error).join()
    )
    assert.equal(await issueCount(organization.id), 500)
    assert.equal(jira.state.quota.refusals, 0)
    assert.lengthOf(
      jira.state.requests.filter((request) => request.status === 429),
      0
    )
    const searches = jira.state.requests.filter((request) => isSearch(request.path))
    assert.lengthOf(searches, 5)
    const gaps = searches.slice(1).map((search, index) => search.at - searches[index].at)
    // waited out the window at least once, before a page the quota could not pay for
    assert.isAtLeast(Math.max(...gaps), 1500)
  })

  test('a quota already spent is answered 429: its Retry-After is waited out and Jira’s ISO reset read as a moment', async ({
    assert,
  }) => {
    seedIssues(jira.site('c1'), ['ENG'], 50)
    jira.state.quota = quota(1000, 2000)
    jira.state.quota.used = 1000
    const organization = await createOrganization()
    const connection = await connectSite(organization, jira, 'c1')
    const runs = await new RunSync().execute({ connection, trigger: 'cli' })
    assert.isTrue(
      runs.every((run) => run.status === 'succeeded'),
      runs.map((run) => run.error).join()
    )
    assert.equal(jira.state.quota.refusals, 1)
    assert.equal(await issueCount(organization.id), 50)
  })
})
