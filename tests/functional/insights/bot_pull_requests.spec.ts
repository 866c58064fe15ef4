import { test } from '@japa/runner'
import { summarizeMetrics } from '#services/insights/metrics'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { insertPullRequest, insertRepository } from '#tests/helpers/insights'
import { WebClient } from '#tests/helpers/web_client'

/**
 * Bots (#28 item 7): bot-authored pull requests are left out of flow
 * metrics unless the organisation includes them (a setting, off by
 * default).
 */
const DAY = { from: '2026-03-02', to: '2026-03-02' }

test.group('Insights / bot pull requests', (group) => {
  group.each.setup(resetDatabase)

  test('left out by default; included once the organisation says so', async ({ assert }) => {
    const owner = await createAccount({ role: 'owner' })
    const organizationId = owner.organization.id
    const repositoryId = await insertRepository(organizationId, 'api')
    // a person's: opened 08:00, reviewed 10:00, merged 12:00, 30 lines
    await insertPullRequest(organizationId, repositoryId, {
      opened: '2026-03-02 08:00',
      firstReview: '2026-03-02 10:00',
      merged: '2026-03-02 12:00',
      additions: 20,
      deletions: 10,
      author: 'ada',
    })
    // dependabot's: opened 09:00, reviewed 15:00, merged 16:00, 2 lines
    await insertPullRequest(organizationId, repositoryId, {
      opened: '2026-03-02 09:00',
      firstReview: '2026-03-02 15:00',
      merged: '2026-03-02 16:00',
      additions: 1,
      deletions: 1,
      author: 'dependabot[bot]',
    })
    await new RollUpMetrics().execute({ organizationId })
    const people = await summarizeMetrics({ organizationId, ...DAY })
    await owner.organization.refresh()
    assert.isFalse(owner.organization.includeBotPullRequests)
    assert.equal(people.pullRequestsMerged, 1)
    assert.equal(people.prSizeLines, 30)
    assert.equal(people.firstReviewHours, 2)

    const web = new WebClient()
    await web.signIn(owner.email, owner.password, owner.totpSecret!)
    const page = await web.get('/settings/organization')
    assert.match(page.text, /value="excluded"\s+checked/)
    const saved = await web.post('/settings/organization', {
      name: owner.organization.name,
      mfaRequired: 'required',
      botPullRequests: 'included',
    })
    assert.equal(saved.location, '/settings/organization')
    await owner.organization.refresh()
    assert.isTrue(owner.organization.includeBotPullRequests)

    const everyone = await summarizeMetrics({ organizationId, ...DAY })
    assert.equal(everyone.pullRequestsMerged, 2)
    // (30 + 2) / 2 lines; (2 + 6) / 2 hours
    assert.equal(everyone.prSizeLines, 16)
    assert.equal(everyone.firstReviewHours, 4)
  })
})
