import { upsertConnection } from '#actions/connections/store_connection'
import type Organization from '#models/organization'
import { withEnv } from '#tests/helpers/env'
import { CLIENT, startFakeJira, type FakeJira } from './fake_jira/server.js'

/**
 * What the Jira plugin's tests share: a fake Jira on a port the OS
 * picks, with the plugin's Atlassian endpoints and OAuth app pointed at
 * it while it runs.
 */
export async function startJira(): Promise<FakeJira> {
  const jira = await startFakeJira()
  const restore = withEnv({
    JIRA_AUTH_URL: jira.url,
    JIRA_API_GATEWAY_URL: jira.gatewayUrl,
    JIRA_OAUTH_CONSUMER_KEY: CLIENT.id,
    JIRA_OAUTH_CONSUMER_SECRET: CLIENT.secret,
  })
  const close = jira.close.bind(jira)
  jira.close = async () => {
    restore()
    await close()
  }
  return jira
}

/** a Cloud site connected through OAuth, as choosing it after the grant leaves it */
export async function connectSite(organization: Organization, jira: FakeJira, siteId: string) {
  const tokens = jira.grant([siteId])
  return upsertConnection({
    organizationId: organization.id,
    pluginId: 'jira',
    accountKey: siteId,
    createdById: null,
    displayName: jira.site(siteId).name,
    config: { cloudId: siteId, siteUrl: jira.site(siteId).url },
    credentials: {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: String(Date.now() + 3_600_000),
    },
    baseUrl: `${jira.gatewayUrl}/ex/jira/${siteId}`,
    status: 'active',
    authMethod: 'oauth',
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

/** for the plugin's benchmark command */
export { benchOrganization, runSync } from '#tests/helpers/bench_fixtures'
