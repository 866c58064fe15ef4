import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { resetDatabase } from '#tests/helpers/database'
import type { FakeAzure } from './fake_azure/server.js'
import { connectAzure, signedInAdmin, startAzure } from './testbed.js'

test.group('Azure DevOps | choosing repositories', (group) => {
  let azure: FakeAzure
  group.setup(async () => {
    azure = await startAzure()
    return () => azure.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => azure.reset())

  test('the page lists the repositories; unticking one stops its pull requests being read', async ({
    assert,
  }) => {
    const [engine, radar] = azure.seed(2, 2)
    const { account, web } = await signedInAdmin()
    const connection = await connectAzure(account.organization, azure)
    await new RunSync().execute({ connection, tasks: ['repositories'], trigger: 'cli' })

    const page = await web.get(
      `/integrations/azure_devops/connections/${connection.publicId}/repositories`
    )
    assert.equal(page.status, 200)
    assert.include(page.text, 'Project 1/repo-0')
    assert.include(page.text, 'Project 1/repo-1')
    assert.include(page.text, '2 repositories')
    const { text: settings } = await web.get(`/settings/connections/${connection.publicId}`)
    assert.include(settings, 'Choose repositories')

    const saved = await web.post(
      `/integrations/azure_devops/connections/${connection.publicId}/repositories`,
      { 'shown[]': [engine.id, radar.id], 'monitored[]': [engine.id] }
    )
    assert.equal(saved.status, 302)
    const rows = await db.from('repositories').orderBy('full_name')
    assert.deepEqual(
      rows.map((row) => [row.full_name, Boolean(row.monitored)]),
      [
        ['Project 1/repo-0', true],
        ['Project 1/repo-1', false],
      ]
    )

    azure.requests.length = 0
    await new RunSync().execute({ connection, tasks: ['pull_requests'], trigger: 'cli' })
    const read = azure.requests.filter((request) => /pullrequests$/i.test(request.path))
    assert.isTrue(read.every((request) => request.path.includes(engine.id)))
    assert.lengthOf(read, 1)
  })

  test("another organisation's connection is not found", async ({ assert }) => {
    const { account: other } = await signedInAdmin()
    const connection = await connectAzure(other.organization, azure)
    const { web } = await signedInAdmin()
    const page = await web.get(
      `/integrations/azure_devops/connections/${connection.publicId}/repositories`
    )
    assert.equal(page.status, 404)
  })
})
