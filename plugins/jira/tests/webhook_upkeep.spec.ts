import { test } from '@japa/runner'
import RunSync from '#actions/sync/run_sync'
import type Connection from '#models/connection'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import type { FakeJira } from './fake_jira/server.js'
import { addIssue } from './fake_jira/seed.js'
import { connectSite, startJira } from './testbed.js'
import { connected } from './webhook_deliveries.js'

/**
 * The daily `webhooks` task keeps an OAuth site's dynamic webhook whole:
 * one registered before Sextant asked for jira:issue_deleted, or one Jira
 * no longer lists (GET /rest/api/3/webhook), is registered again with
 * every event at the connection's own URL, and the old one deleted.
 */
const ALL_EVENTS = ['jira:issue_created', 'jira:issue_updated', 'jira:issue_deleted']

test.group('Jira | webhook upkeep', (group) => {
  let jira: FakeJira
  group.setup(async () => {
    jira = await startJira()
    return () => jira.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => jira.reset())

  async function hooked() {
    addIssue(jira.site('c1'), { projectKey: 'ENG' })
    const organization = await createOrganization()
    const connection = await connectSite(organization, jira, 'c1')
    await connected(connection)
    const [hook] = [...jira.state.webhooks.values()]
    return { connection, hook }
  }

  async function runWebhooksTask(connection: Connection) {
    jira.state.requests = []
    const [run] = await new RunSync().execute({ connection, trigger: 'cli', tasks: ['webhooks'] })
    if (run.status !== 'succeeded') throw new Error(run.error ?? run.status)
    await connection.refresh()
  }

  const registrations = () =>
    jira.state.requests.filter(
      (request) => request.method === 'POST' && /\/rest\/api\/3\/webhook$/.test(request.path)
    )

  test('a webhook registered without jira:issue_deleted is registered again with every event; the old one is deleted', async ({
    assert,
  }) => {
    const { connection, hook } = await hooked()
    await runWebhooksTask(connection)
    assert.lengthOf(registrations(), 0, 'a complete webhook is left as it is')

    // as connections made before the deletion event was asked for have it
    hook.events = ['jira:issue_created', 'jira:issue_updated']
    await runWebhooksTask(connection)

    assert.lengthOf(registrations(), 1)
    const hooks = [...jira.state.webhooks.values()]
    assert.lengthOf(hooks, 1, 'the old webhook is deleted')
    const [renewed] = hooks
    assert.notEqual(renewed.id, hook.id)
    assert.deepEqual(renewed.events, ALL_EVENTS)
    assert.equal(renewed.url, hook.url, "registered at the connection's own URL")
    assert.equal(renewed.jqlFilter, hook.jqlFilter)
    assert.deepEqual((connection.configValues.webhooks as { ids: number[] }).ids, [renewed.id])
  })

  test('a webhook Jira no longer lists is registered again', async ({ assert }) => {
    const { connection, hook } = await hooked()
    jira.state.webhooks.delete(hook.id)

    await runWebhooksTask(connection)

    const hooks = [...jira.state.webhooks.values()]
    assert.lengthOf(hooks, 1)
    assert.deepEqual(hooks[0].events, ALL_EVENTS)
    assert.equal(hooks[0].url, hook.url)
    assert.deepEqual((connection.configValues.webhooks as { ids: number[] }).ids, [hooks[0].id])
  })
})
