import type Organization from '#models/organization'
import { createConnection } from '#tests/helpers/connections'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import type { FakeAzure, FakeCommitFile } from './fake_azure/server.js'
import { azureConnection } from './fake_azure/organization.js'

/**
 * What the Azure DevOps plugin's tests share: a fake organisation on
 * loopback (the outbound policy of .env.test lets 127.0.0.1 through),
 * a signed-in admin, and a connection as the connect form leaves it.
 */
export { PAT, startAzure } from './fake_azure/organization.js'

export async function signedInAdmin() {
  const account = await createAccount({ role: 'admin' })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  await web.get('/settings/connections')
  return { account, web }
}

/** the connect form, as a member fills it */
export function connectForm(
  web: WebClient,
  organizationUrl: string,
  token: string,
  fields: Record<string, string> = {}
) {
  const form: Record<string, string> = { 'baseUrl': organizationUrl, 'fields[token]': token }
  for (const [name, value] of Object.entries(fields)) form[`fields[${name}]`] = value
  return web.post('/settings/connections/azure_devops/connect', form)
}

export function connectAzure(
  organization: Organization,
  azure: FakeAzure,
  config: Record<string, unknown> = {}
) {
  return createConnection(organization, azureConnection(azure, config))
}

/** a commit's new file at `path` whose diff adds lines 1 to `lines` */
export function addedFile(path: string, lines: number): FakeCommitFile {
  return {
    path,
    changeType: 'add',
    blocks: [
      {
        changeType: 'add',
        originalLineNumberStart: 0,
        originalLinesCount: 0,
        modifiedLineNumberStart: 1,
        modifiedLinesCount: lines,
      },
    ],
  }
}
