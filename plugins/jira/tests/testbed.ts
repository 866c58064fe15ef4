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
