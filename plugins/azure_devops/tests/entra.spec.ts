import { test } from '@japa/runner'
import Connection from '#models/connection'
import { resetDatabase } from '#tests/helpers/database'
import { withEnv } from '#plugin-sdk/testing'
import type { WebClient } from '#tests/helpers/web_client'
import type { FakeAzure } from './fake_azure/server.js'
import { signedInAdmin, startAzure } from './testbed.js'

const START = '/integrations/azure_devops/oauth/start'

/** start the sign-in, let Entra ID agree, and come back to the callback */
async function signIn(web: WebClient) {
  const started = await web.post(START, { method: 'entra' })
  const atEntra = await fetch(started.location!, { redirect: 'manual' })
  const back = new URL(atEntra.headers.get('location')!)
  return web.get(`${back.pathname}${back.search}`)
}

test.group('Azure DevOps | Microsoft Entra ID', (group) => {
  let azure: FakeAzure
  group.setup(async () => {
    azure = await startAzure()
    const restoreEnv = withEnv({
      AZURE_DEVOPS_ENTRA_CLIENT_ID: azure.state.entra.clientId,
      AZURE_DEVOPS_ENTRA_CLIENT_SECRET: azure.state.entra.clientSecret,
      AZURE_DEVOPS_ENTRA_AUTHORITY: `${azure.origin}/entra/organizations`,
      AZURE_DEVOPS_PROFILE_URL: `${azure.origin}/vssps`,
      AZURE_DEVOPS_SERVICES_URL: azure.origin,
    })
    return async () => {
      restoreEnv()
      await azure.close()
    }
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => {
    azure.reset()
    azure.addRepository(azure.addProject('Rockets'), 'engine')
  })

  test('signing in with Entra ID connects the organisation the user belongs to, with PKCE', async ({
    assert,
  }) => {
    const { account, web } = await signedInAdmin()
    const callback = await signIn(web)
    assert.equal(callback.status, 302)
    const connection = await Connection.query().where('plugin_id', 'azure_devops').firstOrFail()
    assert.equal(connection.organizationId, account.organization.id)
    assert.equal(connection.authMethod, 'entra')
    assert.equal(connection.baseUrl, azure.url)
    assert.equal(connection.status, 'active', connection.lastError ?? '')
    // azure-devops-node-api and the HTTP client both sent the Entra ID access token
    const bearer = azure.requests.filter((request) => request.authorization?.startsWith('Bearer '))
    assert.isTrue(bearer.some((request) => request.path === '/_apis/connectionData'))
    assert.isTrue(bearer.some((request) => request.path === '/_apis/hooks/subscriptions'))
    assert.notInclude(
      JSON.stringify(await Connection.query().where('id', connection.id).pojo()),
      'entra-access-'
    )
  })

  test('without the app registration the method names what the server must set', async ({
    assert,
    cleanup,
  }) => {
    cleanup(withEnv({ AZURE_DEVOPS_ENTRA_CLIENT_ID: undefined }))
    const { web } = await signedInAdmin()
    await web.post(START, { method: 'entra' })
    const { text } = await web.get('/settings/connections')
    assert.include(text, 'the OAuth client id')
    assert.lengthOf(await Connection.all(), 0)
  })
})
