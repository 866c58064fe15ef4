import { upsertConnection } from '#actions/connections/store_connection'
import type Organization from '#models/organization'
import type { FakeJira } from './fake_jira/server.js'
import { siteConnection } from './fake_jira/start.js'

/**
 * What the Jira plugin's tests share: fake Jira (fake_jira/start.ts, which
 * `bench:jira` uses too) and connections as the connect flows store them.
 */
export { startJira } from './fake_jira/start.js'

/** a Cloud site connected through OAuth, as choosing it after the grant leaves it */
export async function connectSite(organization: Organization, jira: FakeJira, siteId: string) {
  return upsertConnection({
    ...siteConnection(jira, siteId),
    organizationId: organization.id,
    createdById: null,
    displayName: jira.site(siteId).name,
    status: 'active',
  })
}

/** a Data Center server connected with a personal access token */
export async function connectServer(organization: Organization, jira: FakeJira) {
  jira.state.personalTokens.add('dc-token-for-sync')
  return upsertConnection({
    organizationId: organization.id,
    pluginId: 'jira',
    accountKey: new URL(jira.url).host,
    createdById: null,
    displayName: 'Data Center',
    config: {},
    credentials: { token: 'dc-token-for-sync' },
    baseUrl: jira.url,
    status: 'active',
    authMethod: 'pat',
  })
}
