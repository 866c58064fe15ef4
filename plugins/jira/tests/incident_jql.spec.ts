import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import type Connection from '#models/connection'
import RunSync from '#actions/sync/run_sync'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { processQueueUntil } from '#tests/helpers/queue'
import { WebClient } from '#tests/helpers/web_client'
import type { FakeJira } from './fake_jira/server.js'
import { addIssue, touch } from './fake_jira/seed.js'
import { connectSite, startJira } from './testbed.js'
import { connected, deliver, signedByJira } from './webhook_deliveries.js'

/**
 * Incidents chosen by a JQL query the organisation writes on the
 * connection's card: Jira runs it (the fake's search), over the sync's
 * window and for each webhook delivery; a query Jira refuses makes no
 * incident and the card says why.
 */
const QUERY = 'priority = "Highest" AND labels = "customer-facing"'

async function types(organizationId: number) {
  const rows = await db.from('issues').where('organization_id', organizationId).orderBy('key')
  return Object.fromEntries(rows.map((row) => [row.key, row.type]))
}

async function saveQuery(web: WebClient, connection: Connection, incidentJql: string) {
  await web.get(`/settings/connections/${connection.publicId}`)
  return web.post(`/integrations/jira/connections/${connection.publicId}/issue-types`, {
    bug: '',
    incident: '',
    incidentLabels: '',
    incidentJql,
  })
}

test.group('Jira | incidents by JQL', (group) => {
  let jira: FakeJira
  group.setup(async () => {
    jira = await startJira()
    return () => jira.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => jira.reset())

  test('issues the saved query finds are incidents, as the sync and webhooks write them', async ({
    assert,
  }) => {
    const site = jira.site('c1')
    const outage = addIssue(site, {
      projectKey: 'ENG',
      priority: 'Highest',
      labels: ['customer-facing'],
    })
    const urgent = addIssue(site, { projectKey: 'ENG', priority: 'Highest' })
    addIssue(site, { projectKey: 'ENG', type: 'Bug', labels: ['customer-facing'] })
    const account = await createAccount({ role: 'admin' })
    const connection = await connectSite(account.organization, jira, 'c1')
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)

    const saved = await saveQuery(web, connection, QUERY)
    assert.equal(saved.status, 302)
    await connection.refresh()
    assert.equal(connection.configValues.incidentJql, QUERY)
    const card = await web.get(`/settings/connections/${connection.publicId}`)
    assert.include(card.text, 'name="incidentJql"')
    assert.include(
      card.text,
      'value="priority = &quot;Highest&quot; AND labels = &quot;customer-facing&quot;"'
    )

    jira.state.requests = []
    const [run] = await new RunSync().execute({ connection, trigger: 'cli', tasks: ['issues'] })
    assert.equal(run.status, 'succeeded', run.error ?? '')
    assert.deepEqual(await types(account.organization.id), {
      'ENG-1': 'incident',
      'ENG-2': 'story',
      'ENG-3': 'bug',
    })
    const searches = jira.requestsTo(/search\/jql$/).map((request) => request.query.get('jql'))
    assert.deepEqual(searches, [
      `(${QUERY}) AND updated >= "1970-01-01 00:00"`,
      'updated >= "1970-01-01 00:00" ORDER BY updated ASC',
    ])

    // the incremental run reclassifies what changed: the label moves from ENG-1 to ENG-2
    outage.labels = []
    touch(outage)
    urgent.labels = ['customer-facing']
    touch(urgent)
    await new RunSync().execute({ connection, trigger: 'cli', tasks: ['issues'] })
    assert.deepEqual(await types(account.organization.id), {
      'ENG-1': 'story',
      'ENG-2': 'incident',
      'ENG-3': 'bug',
    })

    // a delivery: Jira answers the query for that one issue
    await connected(connection)
    const [hook] = [...jira.state.webhooks.values()]
    outage.labels = ['customer-facing']
    touch(outage)
    jira.state.requests = []
    const delivery = deliver(hook.url, site, outage, signedByJira())
    const accepted = await delivery.send()
    assert.equal(accepted.status, 202)
    await processQueueUntil(async () => {
      const now = await types(account.organization.id)
      return now['ENG-1'] === 'incident'
    })
    const asked = jira.requestsTo(/search\/jql$/)
    assert.lengthOf(asked, 1)
    assert.equal(asked[0].query.get('jql'), `(${QUERY}) AND key = "ENG-1"`)
  })

  test('a query Jira refuses makes no incident; the card says why until it is fixed', async ({
    assert,
  }) => {
    addIssue(jira.site('c1'), { projectKey: 'ENG', priority: 'Highest' })
    addIssue(jira.site('c1'), { projectKey: 'ENG', type: 'Incident' })
    const account = await createAccount({ role: 'admin' })
    const connection = await connectSite(account.organization, jira, 'c1')
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)

    await saveQuery(web, connection, 'status was "Open" DURING (startOfWeek(), now())')
    await connection.refresh()
    const [run] = await new RunSync().execute({ connection, trigger: 'cli', tasks: ['issues'] })
    assert.equal(run.status, 'succeeded', run.error ?? '')
    assert.deepEqual(await types(account.organization.id), {
      'ENG-1': 'story',
      'ENG-2': 'incident',
    })
    const card = await web.get(`/settings/connections/${connection.publicId}`)
    assert.include(card.text, 'data-testid="incident-jql-refused"')
    assert.include(card.text, 'The fake Jira does not understand')

    await saveQuery(web, connection, 'priority = "Highest"')
    await connection.refresh()
    await new RunSync().execute({ connection, trigger: 'cli', tasks: ['issues'], full: true })
    assert.deepEqual(await types(account.organization.id), {
      'ENG-1': 'incident',
      'ENG-2': 'incident',
    })
    const fixed = await web.get(`/settings/connections/${connection.publicId}`)
    assert.notInclude(fixed.text, 'data-testid="incident-jql-refused"')

    // a query on two lines is refused on the form, and nothing is saved
    const refused = await saveQuery(web, connection, 'priority = "Highest"\nAND labels = x')
    assert.equal(refused.status, 422)
    assert.include(refused.text, 'Write the query on one line.')
    await connection.refresh()
    assert.equal(connection.configValues.incidentJql, 'priority = "Highest"')
  })
})
