import { test } from '@japa/runner'
import Connection from '#models/connection'
import type { RoleName } from '#services/authorization'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import RunSync from '#actions/sync/run_sync'
import type { FakeJira } from './fake_jira/server.js'
import { addIssue } from './fake_jira/seed.js'
import { connectSite, startJira } from './testbed.js'

/**
 * The Jira card on a connection's page: what the connection reaches, the
 * state of its webhooks in words, and the issue-type mapping an admin
 * changes there.
 */
async function signedIn(role: RoleName) {
  const account = await createAccount({ role })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  return { account, web }
}

test.group('Jira | connection settings', (group) => {
  let jira: FakeJira
  group.setup(async () => {
    jira = await startJira()
    return () => jira.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => jira.reset())

  test('the card names the site, its projects and why no webhook is registered', async ({
    assert,
  }) => {
    addIssue(jira.site('c1'), { projectKey: 'ENG' })
    const { account, web } = await signedIn('admin')
    const connection = await connectSite(account.organization, jira, 'c1')
    await new RunSync().execute({ connection, trigger: 'cli' })
    const page = await web.get(`/settings/connections/${connection.publicId}`)
    assert.equal(page.status, 200)
    assert.include(
      page.text,
      'Jira Cloud site <strong>https://c1.atlassian.net</strong>, through OAuth 2.0.'
    )
    assert.include(page.text, '1 project: ENG.')
    assert.include(page.text, 'Webhooks: not registered yet; changes arrive with the daily sync.')
    assert.include(page.text, 'placeholder="Bug, Defect"')
  })

  test('an admin saves which issue types are incidents; empty fields keep the defaults', async ({
    assert,
  }) => {
    const { account, web } = await signedIn('admin')
    const connection = await connectSite(account.organization, jira, 'c1')
    await web.get(`/settings/connections/${connection.publicId}`)
    const saved = await web.post(
      `/integrations/jira/connections/${connection.publicId}/issue-types`,
      {
        bug: '',
        incident: ' Problem , Major incident ,',
        incidentLabels: '',
      }
    )
    assert.equal(saved.location, `/settings/connections/${connection.publicId}`)
    await connection.refresh()
    assert.deepEqual(connection.configValues.issueTypes, {
      incident: ['Problem', 'Major incident'],
    })
    const page = await web.get(saved.location!)
    assert.include(page.text, 'value="Problem, Major incident"')
  })

  test('markup in a name is answered 422 on the form with the message, nothing saved; a viewer may not save', async ({
    assert,
  }) => {
    const { account, web } = await signedIn('admin')
    const connection = await connectSite(account.organization, jira, 'c1')
    await web.get(`/settings/connections/${connection.publicId}`)
    const refusedInput = await web.post(
      `/integrations/jira/connections/${connection.publicId}/issue-types`,
      { bug: 'Bug', incident: 'Problem <script>' }
    )
    assert.equal(refusedInput.status, 422)
    assert.include(refusedInput.text, 'Names may not contain &lt; or &gt;.')
    assert.include(refusedInput.text, 'value="Problem &lt;script&gt;"')
    assert.notInclude(refusedInput.text, '<script>')
    await connection.refresh()
    assert.isUndefined(connection.configValues.issueTypes)

    const viewer = await signedIn('viewer')
    const theirs = await connectSite(viewer.account.organization, jira, 'c2')
    await viewer.web.get('/settings/connections')
    const refused = await viewer.web.post(
      `/integrations/jira/connections/${theirs.publicId}/issue-types`,
      {
        incident: 'Problem',
      }
    )
    assert.equal(refused.status, 403)
    const row = await Connection.findOrFail(theirs.id)
    assert.isUndefined(row.configValues.issueTypes)
  })
})
