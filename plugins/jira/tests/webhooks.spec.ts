import { createHmac } from 'node:crypto'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import RunSync from '#actions/sync/run_sync'
import { FencedDomainStore } from '#services/domain/domain_store'
import DisconnectConnection from '#actions/connections/disconnect_connection'
import { upsertConnection } from '#actions/connections/store_connection'
import type Organization from '#models/organization'
import { resetDatabase } from '#tests/helpers/database'
import { createOrganization } from '#tests/helpers/factories'
import { processQueueUntil } from '#tests/helpers/queue'
import { CLIENT, type FakeJira } from './fake_jira/server.js'
import { deliveryJwt } from './fake_jira/webhooks.js'
import { addIssue, touch } from './fake_jira/seed.js'
import { connectServer, connectSite, startJira } from './testbed.js'
import { connected, deliver, hookSucceeded, signedByJira } from './webhook_deliveries.js'

/**
 * Jira's webhooks against the fake Jira: dynamic webhooks for OAuth
 * sites (registered on connect, extended before they expire, deleted on
 * disconnect), signed admin webhooks for API-token connections, each
 * delivery to the connection's own URL, deduplicated by its identifier.
 */
const DAY = 86_400_000

async function apiTokenConnection(organization: Organization, jira: FakeJira) {
  jira.state.apiTokens.set('mia@example.com', 'atlassian-api-token-1')
  jira.rootSite = 'acme'
  return upsertConnection({
    organizationId: organization.id,
    pluginId: 'jira',
    accountKey: new URL(jira.url).host,
    createdById: null,
    displayName: 'acme',
    config: { email: 'mia@example.com' },
    credentials: { apiToken: 'atlassian-api-token-1' },
    baseUrl: jira.url,
    status: 'active',
    authMethod: 'basic',
  })
}

test.group('Jira | webhooks', (group) => {
  let jira: FakeJira
  group.setup(async () => {
    jira = await startJira()
    return () => jira.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => jira.reset())

  test('an OAuth site registers a dynamic webhook for its projects; a delivery updates the issue once', async ({
    assert,
  }) => {
    const site = jira.site('c1')
    const issue = addIssue(site, { projectKey: 'ENG', startedAfter: 1 })
    addIssue(site, { projectKey: 'OPS' })
    const organization = await createOrganization()
    const connection = await connectSite(organization, jira, 'c1')
    await new RunSync().execute({ connection, trigger: 'cli' })
    await connected(connection)

    const [hook] = [...jira.state.webhooks.values()]
    assert.deepEqual(hook.events, [
      'jira:issue_created',
      'jira:issue_updated',
      'jira:issue_deleted',
    ])
    assert.equal(hook.jqlFilter, 'project in ("ENG", "OPS")')
    assert.match(hook.url, new RegExp(`/api/webhooks/jira/c/${connection.publicId}/`))
    assert.deepEqual((connection.configValues.webhooks as { ids: number[] }).ids, [hook.id])

    const transitions = async () => {
      const [{ total }] = await db.from('issue_status_transitions').count('* as total')
      return Number(total)
    }
    const before = await transitions()
    assert.isAbove(before, 0)
    touch(issue)
    const delivery = deliver(hook.url, site, issue, {
      'x-atlassian-webhook-identifier': 'wh-1',
      ...signedByJira(),
    })
    const first = await delivery.send()
    assert.equal(first.status, 202)
    const again = await delivery.send()
    assert.equal(again.status, 202)
    assert.deepEqual(await again.json(), { status: 'duplicate', delivery: 'wh-1' })
    await processQueueUntil(async () => {
      const row = await db.from('issues').where('key', issue.key).first()
      return row?.status === 'Done'
    })
    const deliveries = await db.from('webhook_deliveries').where('plugin_id', 'jira')
    assert.lengthOf(deliveries, 1)
    assert.equal(deliveries[0].status, 'processed')
    // the delivery carries one change: the history the sync stored is kept whole
    assert.equal(await transitions(), before)
  })

  test('a dynamic-webhook delivery needs the JWT Jira signs with the app secret; anything else gets 401 JSON', async ({
    assert,
  }) => {
    const site = jira.site('c1')
    const issue = addIssue(site, { projectKey: 'ENG' })
    const organization = await createOrganization()
    const connection = await connectSite(organization, jira, 'c1')
    await connected(connection)
    const [hook] = [...jira.state.webhooks.values()]
    touch(issue)
    const delivery = deliver(hook.url, site, issue)
    const past = Math.floor(Date.now() / 1000) - 3600
    const refused = {
      'no JWT': {},
      'another secret': { authorization: `Bearer ${deliveryJwt('not-the-app-secret')}` },
      'alg none': { authorization: `Bearer ${deliveryJwt(CLIENT.secret, {}, 'none')}` },
      'expired': {
        authorization: `Bearer ${deliveryJwt(CLIENT.secret, { iat: past - 180, exp: past })}`,
      },
      'tampered claims': {
        authorization: `Bearer ${deliveryJwt(CLIENT.secret).replace(/\.[^.]+\./, `.${Buffer.from('{"iat":1}').toString('base64url')}.`)}`,
      },
    }
    for (const [name, headers] of Object.entries(refused)) {
      const answer = await delivery.send(headers)
      assert.equal(answer.status, 401, name)
      assert.include(answer.headers.get('content-type') ?? '', 'application/json', name)
      assert.isObject(await answer.json(), name)
    }
    assert.lengthOf(await db.from('webhook_deliveries').where('plugin_id', 'jira'), 0)
    const accepted = await delivery.send(signedByJira())
    assert.equal(accepted.status, 202)
  })

  test('jira:issue_deleted removes the issue with its history and links, once', async ({
    assert,
  }) => {
    const site = jira.site('c1')
    const gone = addIssue(site, { projectKey: 'ENG', startedAfter: 1, doneAfter: 2 })
    const kept = addIssue(site, { projectKey: 'ENG', startedAfter: 1 })
    const organization = await createOrganization()
    const connection = await connectSite(organization, jira, 'c1')
    await new RunSync().execute({ connection, trigger: 'cli' })
    await connected(connection)
    const [hook] = [...jira.state.webhooks.values()]
    const stored = await db.from('issues').where('key', gone.key).firstOrFail()
    const github = new FencedDomainStore(
      { organizationId: organization.id, provider: 'github', connectionId: null },
      () => {}
    )
    await github.upsertRepositories([{ externalId: '1', name: 'api', fullName: 'acme/api' }])
    await github.upsertPullRequests([
      {
        externalId: 'pr-1',
        repositoryExternalId: '1',
        number: 1,
        title: `${gone.key}: retry the login`,
        state: 'open',
        openedAt: new Date(),
      },
    ])
    await github.upsertCommits([
      { repositoryExternalId: '1', sha: 'a1', message: `${gone.key}: retry the login` },
    ])
    assert.lengthOf(await db.from('issue_pull_requests').where('issue_id', stored.id), 1)
    assert.lengthOf(await db.from('issue_commits').where('issue_id', stored.id), 1)
    const history = await db.from('issue_status_transitions').where('issue_id', stored.id)
    assert.isAbove(history.length, 0)

    site.issues = site.issues.filter((issue) => issue !== gone)
    const delivery = deliver(
      hook.url,
      site,
      gone,
      { 'x-atlassian-webhook-identifier': 'wh-delete-1', ...signedByJira() },
      'jira:issue_deleted'
    )
    const first = await delivery.send()
    const duplicate = await delivery.send()
    assert.deepEqual([first.status, duplicate.status], [202, 202])
    await processQueueUntil(async () => {
      const row = await db.from('webhook_deliveries').where('delivery_id', 'wh-delete-1').first()
      return row?.status === 'processed'
    })
    assert.isNull(await db.from('issues').where('key', gone.key).first())
    assert.lengthOf(await db.from('issue_status_transitions').where('issue_id', stored.id), 0)
    assert.lengthOf(await db.from('issue_pull_requests').where('issue_id', stored.id), 0)
    assert.lengthOf(await db.from('issue_commits').where('issue_id', stored.id), 0)
    assert.isNotNull(await db.from('pull_requests').where('external_id', 'pr-1').first())
    assert.isNotNull(await db.from('commits').where('sha', 'a1').first())
    assert.isNotNull(await db.from('issues').where('key', kept.key).first())
    assert.lengthOf(await db.from('webhook_deliveries').where('plugin_id', 'jira'), 1)

    // Jira may deliver the deletion again under another identifier: nothing left to remove
    const again = deliver(
      hook.url,
      site,
      gone,
      { 'x-atlassian-webhook-identifier': 'wh-delete-2', ...signedByJira() },
      'jira:issue_deleted'
    )
    const redelivered = await again.send()
    assert.equal(redelivered.status, 202)
    await processQueueUntil(async () => {
      const row = await db.from('webhook_deliveries').where('delivery_id', 'wh-delete-2').first()
      return row?.status === 'processed'
    })
    const [{ total }] = await db
      .from('issues')
      .where('organization_id', organization.id)
      .count('* as total')
    assert.equal(Number(total), 1)
  })

  test('a dynamic webhook 25 days old is extended by the schedule; a fresh one is left alone', async ({
    assert,
  }) => {
    addIssue(jira.site('c1'), { projectKey: 'ENG' })
    const organization = await createOrganization()
    const connection = await connectSite(organization, jira, 'c1')
    await connected(connection)
    const [hook] = [...jira.state.webhooks.values()]

    jira.state.requests = []
    await new RunSync().execute({ connection, trigger: 'cli', tasks: ['webhooks'] })
    assert.lengthOf(jira.requestsTo(/webhook\/refresh$/), 0, 'a webhook made today is not extended')

    hook.expirationDate = new Date(Date.now() + 5 * DAY)
    const state = connection.configValues.webhooks as { ids: number[] }
    connection.configValues = {
      ...connection.configValues,
      webhooks: { ...state, expiresAt: hook.expirationDate.toISOString() },
    }
    await connection.save()
    const [run] = await new RunSync().execute({ connection, trigger: 'cli', tasks: ['webhooks'] })
    assert.equal(run.status, 'succeeded', run.error ?? '')
    assert.lengthOf(jira.requestsTo(/webhook\/refresh$/), 1)
    assert.isAbove(hook.expirationDate.getTime(), Date.now() + 29 * DAY)
    await connection.refresh()
    const extended = connection.configValues.webhooks as { expiresAt: string }
    assert.isAbove(Date.parse(extended.expiresAt), Date.now() + 29 * DAY)
  })

  test('an API-token connection of an administrator registers a signed admin webhook; a bad signature gets 401', async ({
    assert,
  }) => {
    jira.state.rootAdmin = true
    const site = jira.site('acme')
    const issue = addIssue(site, { projectKey: 'ENG' })
    const organization = await createOrganization()
    const connection = await apiTokenConnection(organization, jira)
    await connected(connection)

    const [registered] = [...jira.state.adminWebhooks.values()]
    assert.equal(registered.filter, 'project in ("ENG")')
    assert.match(registered.secret, /^[0-9a-f]{64}$/)
    assert.notInclude(
      JSON.stringify(await db.from('connections').where('id', connection.id).first()),
      registered.secret
    )

    touch(issue)
    const delivery = deliver(registered.url, site, issue)
    const unsigned = await delivery.send()
    assert.equal(unsigned.status, 401)
    const forged = await delivery.send({ 'x-hub-signature': `sha256=${'0'.repeat(64)}` })
    assert.equal(forged.status, 401)
    const signature = createHmac('sha256', registered.secret).update(delivery.body).digest('hex')
    const signed = await delivery.send({ 'x-hub-signature': `sha256=${signature}` })
    assert.equal(signed.status, 202)
    await processQueueUntil(async () => {
      const row = await db.from('issues').where('key', issue.key).first()
      return row?.status === 'Done'
    })
  })

  test('a Data Center administrator registers an admin webhook without a secret; deliveries to its URL are taken', async ({
    assert,
  }) => {
    jira.state.rootAdmin = true
    const server = jira.site('server')
    const issue = addIssue(server, { projectKey: 'OPS' })
    const organization = await createOrganization()
    const connection = await connectServer(organization, jira)
    await connected(connection)
    const [registered] = [...jira.state.adminWebhooks.values()]
    assert.equal(registered.secret, '')
    assert.deepEqual(connection.configValues.webhooks, {
      kind: 'admin',
      id: [...jira.state.adminWebhooks.keys()][0],
      signed: false,
    })
    touch(issue)
    const accepted = await deliver(registered.url, server, issue).send()
    assert.equal(accepted.status, 202)
    // a wrong token in the URL is refused before the plugin sees anything
    const forged = await deliver(`${registered.url.slice(0, -4)}abcd`, server, issue).send()
    assert.equal(forged.status, 404)
  })

  test('without admin rights no webhook is registered and the connection says why', async ({
    assert,
  }) => {
    addIssue(jira.site('acme'), { projectKey: 'ENG' })
    const organization = await createOrganization()
    const connection = await apiTokenConnection(organization, jira)
    await connected(connection)
    assert.equal(jira.state.adminWebhooks.size, 0)
    const state = connection.configValues.webhooks as { kind: string; reason: string }
    assert.equal(state.kind, 'none')
    assert.include(state.reason, 'Only a Jira administrator can register webhooks')
  })

  test('disconnecting deletes the webhooks on Jira and keeps the synced issues', async ({
    assert,
  }) => {
    addIssue(jira.site('c1'), { projectKey: 'ENG' })
    const organization = await createOrganization()
    const connection = await connectSite(organization, jira, 'c1')
    await new RunSync().execute({ connection, trigger: 'cli' })
    await connected(connection)
    assert.equal(jira.state.webhooks.size, 1)

    await new DisconnectConnection().execute({
      organization,
      connectionPublicId: connection.publicId,
    })
    await hookSucceeded(connection, 'disconnecting')
    assert.equal(jira.state.webhooks.size, 0)
    assert.isNull(await Connection.find(connection.id))
    const [{ total }] = await db
      .from('issues')
      .where('organization_id', organization.id)
      .count('* as total')
    assert.equal(Number(total), 1)
  })
})
