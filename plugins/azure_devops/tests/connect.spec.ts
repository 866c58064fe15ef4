import { test } from '@japa/runner'
import Connection from '#models/connection'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#plugin-sdk/testing'
import type { FakeAzure } from './fake_azure/server.js'
import { connectAzure, connectForm, PAT, signedInAdmin, startAzure } from './testbed.js'

test.group('Azure DevOps | connect with a personal access token', (group) => {
  let azure: FakeAzure
  group.setup(async () => {
    azure = await startAzure()
    return () => azure.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => azure.reset())

  test('the form names the organisation URL and the scopes the token needs', async ({ assert }) => {
    const { web } = await signedInAdmin()
    const { text: page } = await web.get('/settings/connections')
    assert.include(page, 'Organisation URL')
    for (const scope of [
      'Code (read &amp; status)',
      'Build (read)',
      'Release (read)',
      'Work items (read)',
      'Service hooks (read &amp; write)',
      'Project and team (read)',
    ]) {
      assert.include(page, scope)
    }
  })

  test('an expiry date typed at connect is shown, and warned about 14 days ahead', async ({
    assert,
  }) => {
    azure.addRepository(azure.addProject('Rockets'), 'engine')
    const { web } = await signedInAdmin()
    const soon = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10)
    await connectForm(web, azure.url, PAT, { tokenExpiresOn: soon })
    const connection = await Connection.query().where('plugin_id', 'azure_devops').firstOrFail()
    assert.equal(connection.configValues.tokenExpiresOn, soon)
    assert.equal(connection.status, 'active')
    const { text: list } = await web.get('/settings/connections')
    assert.include(list, `The personal access token expires in 5 days (${soon})`)
    const { text: page } = await web.get(`/settings/connections/${connection.publicId}`)
    assert.include(page, `expires in 5 days (${soon}): create a new one`)

    const far = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10)
    await connectForm(web, azure.url, PAT, { tokenExpiresOn: far })
    const { text: later } = await web.get(`/settings/connections/${connection.publicId}`)
    assert.include(later, `The personal access token expires on ${far}.`)
    assert.notInclude(later, 'create a new one and connect again before then')
  })

  test('an expiry date that is not YYYY-MM-DD is refused in the form', async ({ assert }) => {
    const { web } = await signedInAdmin()
    const answer = await connectForm(web, azure.url, PAT, { tokenExpiresOn: '31/12/2026' })
    assert.equal(answer.status, 422)
    assert.lengthOf(await Connection.all(), 0)
  })

  test('a PAT with every scope connects: the test names the user, discovery went through resource areas', async ({
    assert,
  }) => {
    const project = azure.addProject('Rockets')
    azure.addRepository(project, 'engine')
    const { account, web } = await signedInAdmin()
    const answer = await connectForm(web, azure.url, PAT)
    assert.oneOf(answer.status, [200, 302, 303])

    const connection = await Connection.query().where('plugin_id', 'azure_devops').firstOrFail()
    assert.equal(connection.organizationId, account.organization.id)
    assert.equal(connection.status, 'active')
    assert.equal(connection.baseUrl, azure.url)
    assert.equal(connection.accountKey, azure.url.replace('http://', '').toLowerCase())
    assert.notInclude(
      JSON.stringify(await Connection.query().where('id', connection.id).pojo()),
      PAT
    )
    const { text: notice } = await web.get('/settings/connections')
    assert.include(notice, 'Connected to acme as Ada Lovelace; the token has every scope')
    // azure-devops-node-api found each area's host, then its route templates
    assert.isAbove(azure.count(/^\/_apis\/ResourceAreas$/i, 'GET'), 0)
    assert.isAbove(azure.count(/^\/_apis\/git$/i, 'OPTIONS'), 0)
    assert.isAbove(
      azure.requests.filter(
        (entry) =>
          entry.path.startsWith('/') && entry.method === 'OPTIONS' && /release/i.test(entry.path)
      ).length,
      0
    )
  })

  test('Test names each scope the token lacks', async ({ assert }) => {
    const project = azure.addProject('Rockets')
    azure.addRepository(project, 'engine')
    azure.state.scopes.delete('vso.build')
    azure.state.scopes.delete('vso.hooks_write')
    azure.state.scopes.delete('vso.project')
    const { web } = await signedInAdmin()
    await connectForm(web, azure.url, PAT)
    const { text: page } = await web.get('/settings/connections')
    assert.include(
      page,
      'Missing scopes: Build (read) (for pipeline runs); Service hooks (read &amp; write) (for live updates); Project and team (read) (for teams and their members).'
    )
    assert.notInclude(page, 'Release (read) (for')
    const connection = await Connection.query().where('plugin_id', 'azure_devops').firstOrFail()
    assert.equal(connection.status, 'active')
  })

  test('a token without Code (read) is not connected, and says why', async ({ assert }) => {
    azure.state.scopes.delete('vso.code')
    const { web } = await signedInAdmin()
    await connectForm(web, azure.url, PAT)
    const connection = await Connection.query().where('plugin_id', 'azure_devops').firstOrFail()
    assert.equal(connection.status, 'error')
    assert.include(connection.lastError ?? '', 'cannot read code in acme')
  })

  test('a wrong or expired token is refused in words', async ({ assert }) => {
    const { web } = await signedInAdmin()
    await connectForm(web, azure.url, 'not-the-token-0123456789')
    const connection = await Connection.query().where('plugin_id', 'azure_devops').firstOrFail()
    assert.equal(connection.status, 'error')
    assert.include(
      connection.lastError ?? '',
      'refused the personal access token: it is wrong, expired or revoked'
    )
  })

  test('dev.azure.com without an organisation is refused before any request', async ({
    assert,
  }) => {
    const { web } = await signedInAdmin()
    await connectForm(web, '', PAT)
    const connection = await Connection.query().where('plugin_id', 'azure_devops').firstOrFail()
    assert.equal(connection.status, 'error')
    assert.include(connection.lastError ?? '', 'Type your organisation URL')
  })

  test('an organisation URL on a private address is refused under the field (outbound policy)', async ({
    assert,
    cleanup,
  }) => {
    cleanup(withEnv({ OUTBOUND_ALLOWED_HOSTS: '' }))
    const { web } = await signedInAdmin()
    const answer = await connectForm(web, azure.url, PAT)
    assert.equal(answer.status, 422)
    assert.include(answer.text, 'refused by the outbound policy')
    assert.lengthOf(await Connection.all(), 0)
    assert.lengthOf(azure.requests, 0)
  })

  test('azure-devops-node-api connects only where the outbound policy allows', async ({
    assert,
    cleanup,
  }) => {
    const { account, web } = await signedInAdmin()
    const connection = await connectAzure(account.organization, azure)
    cleanup(withEnv({ OUTBOUND_ALLOWED_HOSTS: '' }))
    await web.post(`/settings/connections/${connection.publicId}/test`, {})
    await connection.refresh()
    assert.equal(connection.status, 'error')
    assert.include(
      connection.lastError ?? '',
      'refused by the outbound policy: 127.0.0.1 is a loopback address'
    )
    assert.lengthOf(azure.requests, 0)
  })

  test('the old settings path leads to the connect form', async ({ assert }) => {
    const { web } = await signedInAdmin()
    const old = await web.get('/settings/connect/azure_devops/')
    assert.equal(old.status, 302)
    assert.equal(old.location, '/settings/connections#plugin-azure_devops')
  })
})
