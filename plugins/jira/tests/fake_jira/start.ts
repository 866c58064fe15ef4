import { withEnv } from '#plugin-sdk/testing'
import { CLIENT, startFakeJira, type FakeJira } from './server.js'

/**
 * Fake Jira as the tests and `bench:jira` start it: a port the OS picks,
 * with the plugin's Atlassian endpoints and OAuth app pointed at it while
 * it runs. Imports only the SDK's test kit, like the bench command (lint).
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

/** a Cloud site's connection values after an OAuth grant, as choosing the site stores them */
export function siteConnection(jira: FakeJira, siteId: string) {
  const tokens = jira.grant([siteId])
  return {
    pluginId: 'jira',
    accountKey: siteId,
    config: { cloudId: siteId, siteUrl: jira.site(siteId).url },
    credentials: {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: String(Date.now() + 3_600_000),
    },
    baseUrl: `${jira.gatewayUrl}/ex/jira/${siteId}`,
    authMethod: 'oauth',
  }
}
