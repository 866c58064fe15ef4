import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { createAccount } from '#tests/helpers/accounts'
import { resetDatabase } from '#tests/helpers/database'
import { processQueueUntil } from '#tests/helpers/queue'
import { WebClient } from '#tests/helpers/web_client'
import Connection from '#models/connection'
import type { FakeSnyk } from './fake_snyk.js'
import { seedToken, startSnyk, sync, TOKEN } from './testbed.js'

const BASE = `http://${process.env.HOST}:${process.env.PORT}`

test.group('Snyk | webhooks', (group) => {
  let snyk: FakeSnyk
  group.setup(async () => {
    snyk = await startSnyk()
    return () => snyk.stop()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => snyk.reset())

  /** connects Acme through the form and lets the worker run onConnected */
  async function connected() {
    const [acme] = seedToken(snyk, ['Acme'])
    const first = snyk.addProject(acme.id, {
      name: 'acme/api:package.json',
      url: 'https://github.com/acme/api',
    })
    const second = snyk.addProject(acme.id, {
      name: 'acme/web:package.json',
      url: 'https://github.com/acme/web',
    })
    const onFirst = snyk.addIssue(acme.id, first.id, {})
    const onSecond = snyk.addIssue(acme.id, second.id, {})
    const account = await createAccount({ role: 'admin' })
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    await web.get('/settings/connections')
    await web.post('/settings/connections/snyk/connect', {
      'baseUrl': '',
      'fields[token]': TOKEN,
      'fields[organization]': acme.id,
    })
    await processQueueUntil(async () => snyk.webhooks.size === 1)
    const connection = await Connection.findByOrFail('organizationId', account.organization.id)
    const [webhookId] = snyk.webhooks.keys()
    return { acme, first, second, onFirst, onSecond, account, connection, webhookId, web }
  }

  test('connecting registers a webhook with a secret of its own, kept sealed', async ({
    assert,
  }) => {
    const { acme, connection, webhookId } = await connected()
    const webhook = snyk.webhooks.get(webhookId)!
    assert.equal(webhook.orgId, acme.id)
    assert.match(webhook.url, new RegExp(`/api/webhooks/snyk\\?organization=${acme.id}$`))
    assert.lengthOf(webhook.secret, 64)
    await connection.refresh()
    assert.equal(connection.configValues.webhookId, webhookId)
    assert.equal(connection.openCredentials().webhookSecret, webhook.secret)
    const raw = JSON.stringify(await db.from('connections').where('id', connection.id).first())
    assert.notInclude(raw, webhook.secret)
  })

  test('a delivery with a bad signature gets 401 and is not stored', async ({ assert }) => {
    const { acme, first, webhookId } = await connected()
    const response = await snyk.deliver(
      webhookId,
      'project_snapshot/v0',
      { project: { id: first.id }, org: { id: acme.id } },
      { secret: 'not-the-secret', origin: BASE }
    )
    assert.equal(response.status, 401)
    const [{ total }] = await db
      .from('webhook_deliveries')
      .where('plugin_id', 'snyk')
      .count('* as total')
    assert.equal(Number(total), 0)
  })

  test('a ping is answered', async ({ assert }) => {
    const { webhookId } = await connected()
    const response = await snyk.deliver(webhookId, 'ping/v0', { webhookId }, { origin: BASE })
    assert.equal(response.status, 202)
  })

  test('a valid project_snapshot re-reads that project only', async ({ assert }) => {
    const { acme, first, onFirst, onSecond, connection, webhookId } = await connected()
    await connection.refresh()
    const run = await sync(connection)
    assert.equal(run.status, 'succeeded')
    snyk.updateIssue(
      acme.id,
      onFirst.id,
      { effective_severity_level: 'critical' },
      '2026-12-02T00:00:00.000Z'
    )
    snyk.updateIssue(
      acme.id,
      onSecond.id,
      { effective_severity_level: 'critical' },
      '2026-12-02T00:00:00.000Z'
    )
    snyk.requests = []
    const response = await snyk.deliver(
      webhookId,
      'project_snapshot/v0',
      {
        project: { id: first.id, name: 'acme/api:package.json' },
        org: { id: acme.id, name: 'Acme' },
        newIssues: [],
        removedIssues: [],
      },
      { origin: BASE }
    )
    assert.equal(response.status, 202)
    await processQueueUntil(async () => {
      const row = await db.from('vulnerabilities').where('external_id', onFirst.id).first()
      return row?.severity === 'critical'
    })
    const issueRequests = snyk.requests.filter((request) => request.path.endsWith('/issues'))
    assert.lengthOf(issueRequests, 1)
    assert.equal(issueRequests[0].query.get('scan_item_id'), first.id)
    const other = await db.from('vulnerabilities').where('external_id', onSecond.id).firstOrFail()
    assert.equal(other.severity, 'high')
  })

  test('disconnecting deletes the webhook at Snyk, then the connection', async ({ assert }) => {
    const { connection, web } = await connected()
    const response = await web.post(`/settings/connections/${connection.publicId}/disconnect`)
    assert.include([302, 303], response.status)
    await processQueueUntil(async () => (await Connection.find(connection.id)) === null)
    assert.equal(snyk.webhooks.size, 0)
    assert.equal(snyk.count(/^\/v1\/org\/[^/]+\/webhooks\/[^/]+$/), 1)
  })
})
