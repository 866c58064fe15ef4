import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { processQueueUntil } from '#tests/helpers/queue'
import type { FakeJira } from './fake_jira/server.js'
import { addIssue, touch } from './fake_jira/seed.js'
import { connectSite, startJira } from './testbed.js'
import { connected, deliver, signedByJira } from './webhook_deliveries.js'

/**
 * Jira does not promise to deliver webhooks in order, and the queue may
 * handle them in any order: a deletion leaves a tombstone with its
 * timestamp, so a `jira:issue_updated` of an earlier change, handled
 * after the deletion, does not bring the issue back, while a change Jira
 * made after the deletion (the issue restored) does.
 */
const MINUTE = 60_000

/** sends the delivery (Jira gets 202) and lets the queue handle it */
async function handled(delivery: { send(): Promise<Response> }, deliveryId: string) {
  const response = await delivery.send()
  if (response.status !== 202) throw new Error(`Jira got ${response.status}`)
  await processQueueUntil(async () => {
    const row = await db.from('webhook_deliveries').where('delivery_id', deliveryId).first()
    return row?.status === 'processed'
  })
}

test.group('Jira | webhooks out of order', (group) => {
  let jira: FakeJira
  group.setup(async () => {
    jira = await startJira()
    return () => jira.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => jira.reset())

  async function syncedAndHooked() {
    const site = jira.site('c1')
    const issue = addIssue(site, { projectKey: 'ENG', startedAfter: 1 })
    const organization = await createOrganization()
    const connection = await connectSite(organization, jira, 'c1')
    await new RunSync().execute({ connection, trigger: 'cli' })
    await connected(connection)
    const [hook] = [...jira.state.webhooks.values()]
    return { site, issue, hook, connection }
  }

  test('an update made before the deletion but handled after it does not write the issue back', async ({
    assert,
  }) => {
    const { site, issue, hook } = await syncedAndHooked()
    const changedAt = Date.now() - 5 * MINUTE
    touch(issue, new Date(changedAt))
    const update = deliver(
      hook.url,
      site,
      issue,
      { 'x-atlassian-webhook-identifier': 'wh-update', ...signedByJira() },
      'jira:issue_updated',
      changedAt
    )
    site.issues = site.issues.filter((each) => each !== issue)
    const deletion = deliver(
      hook.url,
      site,
      issue,
      { 'x-atlassian-webhook-identifier': 'wh-delete', ...signedByJira() },
      'jira:issue_deleted',
      changedAt + MINUTE
    )

    // the deletion arrives (and is handled) first, the earlier update after it
    await handled(deletion, 'wh-delete')
    await handled(update, 'wh-update')

    assert.isNull(await db.from('issues').where('key', issue.key).first())
    const [tombstone] = await db.from('issue_tombstones')
    assert.equal(Number(tombstone.deleted_at_ms), changedAt + MINUTE)
  })

  test('a change Jira made after the deletion (the issue restored) writes it again and lifts the tombstone', async ({
    assert,
  }) => {
    const { site, issue, hook } = await syncedAndHooked()
    const deletedAt = Date.now() - 5 * MINUTE
    const deletion = deliver(
      hook.url,
      site,
      issue,
      { 'x-atlassian-webhook-identifier': 'wh-delete', ...signedByJira() },
      'jira:issue_deleted',
      deletedAt
    )
    await handled(deletion, 'wh-delete')
    assert.isNull(await db.from('issues').where('key', issue.key).first())

    // restored from Jira's recycle bin, then changed
    touch(issue, new Date(deletedAt + MINUTE))
    const update = deliver(
      hook.url,
      site,
      issue,
      { 'x-atlassian-webhook-identifier': 'wh-update', ...signedByJira() },
      'jira:issue_updated',
      deletedAt + MINUTE
    )
    await handled(update, 'wh-update')

    const stored = await db.from('issues').where('key', issue.key).first()
    assert.equal(stored?.status, 'Done')
    assert.lengthOf(await db.from('issue_tombstones'), 0)
  })

  test('a search answered before the deletion and written after it does not bring the issue back', async ({
    assert,
  }) => {
    const { site, issue, hook, connection } = await syncedAndHooked()
    // the issue changes, Jira deletes it a minute later; the webhook of the deletion is handled first
    const changedAt = Date.now() - 5 * MINUTE
    touch(issue, new Date(changedAt))
    const deletion = deliver(
      hook.url,
      site,
      issue,
      { 'x-atlassian-webhook-identifier': 'wh-delete', ...signedByJira() },
      'jira:issue_deleted',
      changedAt + MINUTE
    )
    await handled(deletion, 'wh-delete')
    // the fake still lists the issue, as a search Jira answered just before the deletion would
    const [run] = await new RunSync().execute({ connection, trigger: 'cli', full: true })
    assert.equal(run.status, 'succeeded')
    assert.isNull(await db.from('issues').where('key', issue.key).first())
    assert.include(
      site.issues.map((each) => each.key),
      issue.key
    )
  })
})
