import {
  vine,
  type AuthMethod,
  type ConnectionHandle,
  type ConnectionTestResult,
} from '#plugin-sdk'
import { connectionClients, editionOf } from './client.js'
import { environment } from './environment.js'

/**
 * The three ways into Jira: Cloud through OAuth 2.0 (3LO), one
 * connection per site the grant reaches; Cloud with an account's email
 * and API token (HTTP Basic); Data Center with a personal access token
 * (bearer). The token methods take the site's address as the base URL.
 */

/** the scopes read-only sync and dynamic webhooks need, plus a refresh token */
export const OAUTH_SCOPES = [
  'read:jira-work',
  'read:jira-user',
  'manage:jira-webhook',
  // Jira Software's boards and sprints (the Agile API)
  'read:board-scope:jira-software',
  'read:sprint:jira-software',
  'offline_access',
]

/** the callback path of the system Sextant replaces, where existing OAuth apps send users back */
export const LEGACY_CALLBACK_PATH = '/compass/api/v1/integrations/connect-jira-redirect/'

export const gatewayUrl = () => environment.get('JIRA_API_GATEWAY_URL')

type AccessibleResource = { id: string; name: string; url: string; scopes?: string[] }

/** Jira sites only: a grant may reach Confluence sites too */
function isJiraSite(resource: AccessibleResource) {
  return !resource.scopes || resource.scopes.some((scope) => scope.includes(':jira-'))
}

export const oauthMethod: AuthMethod = {
  id: 'oauth',
  label: 'OAuth 2.0 (Jira Cloud)',
  help: 'Sign in at Atlassian and pick the sites to connect; each site becomes a connection',
  auth: {
    kind: 'oauth2',
    authorizeUrl: () => `${environment.get('JIRA_AUTH_URL')}/authorize`,
    tokenUrl: () => `${environment.get('JIRA_AUTH_URL')}/oauth/token`,
    clientId: () => environment.get('JIRA_OAUTH_CONSUMER_KEY'),
    clientSecret: () => environment.get('JIRA_OAUTH_CONSUMER_SECRET'),
    scopes: OAUTH_SCOPES,
    // Atlassian's 3LO: the API audience, and the consent screen every time
    extraAuthorizeParams: { audience: 'api.atlassian.com', prompt: 'consent' },
    // an app registered for the system Sextant replaces keeps its callback URL
    callbackUrl: () => environment.get('JIRA_OAUTH_REDIRECT_URL') || undefined,
    legacyCallbackPaths: [LEGACY_CALLBACK_PATH],
    // Atlassian rotates refresh tokens: each one is spent by its refresh
    rotatingRefreshTokens: true,
    async resolveAccounts(token, http) {
      const resources = await http.get<AccessibleResource[]>(
        `${gatewayUrl()}/oauth/token/accessible-resources`,
        { headers: { authorization: `Bearer ${token.accessToken}` }, conditional: false }
      )
      return resources.data.filter(isJiraSite).map((site) => ({
        key: site.id,
        name: site.name,
        baseUrl: `${gatewayUrl()}/ex/jira/${site.id}`,
        config: { cloudId: site.id, siteUrl: site.url, scopes: site.scopes ?? [] },
      }))
    },
  },
}

/** the site (or server) a token connection was made for: its host and path */
function siteKey({ baseUrl }: { baseUrl: string }) {
  const url = new URL(baseUrl)
  return `${url.host}${url.pathname.replace(/\/+$/, '')}`.toLowerCase()
}

/** a token method left on the API gateway has no site to talk to */
async function testSite(connection: ConnectionHandle): Promise<ConnectionTestResult> {
  if (connection.baseUrl.replace(/\/+$/, '') === gatewayUrl()) {
    return {
      ok: false,
      message:
        'Enter your Jira site as the base URL (https://your-domain.atlassian.net, or your Data Center server).',
    }
  }
  return testConnection(connection)
}

export const basicMethod: AuthMethod = {
  id: 'basic',
  label: 'Email and API token (Jira Cloud)',
  help: 'An Atlassian account email with an API token from id.atlassian.com; the base URL is your site',
  auth: { kind: 'basic', usernameField: 'email', passwordField: 'apiToken' },
  fields: [
    { name: 'email', label: 'Atlassian account email', type: 'email', required: true },
    { name: 'apiToken', label: 'API token', type: 'password', secret: true, required: true },
  ],
  validator: vine.create({
    email: vine.string().trim().email().maxLength(320),
    apiToken: vine.string().trim().minLength(8).maxLength(512),
  }),
  accountKey: siteKey,
  test: testSite,
}

export const patMethod: AuthMethod = {
  id: 'pat',
  label: 'Personal access token (Jira Data Center)',
  help: 'A personal access token of a Data Center or Server account; the base URL is your server',
  auth: { kind: 'token' },
  fields: [
    {
      name: 'token',
      label: 'Personal access token',
      type: 'password',
      secret: true,
      required: true,
    },
  ],
  validator: vine.create({ token: vine.string().trim().minLength(8).maxLength(512) }),
  accountKey: siteKey,
  test: testSite,
}

type JiraUser = { accountId?: string; name?: string; displayName?: string }

/** Test: who the credentials sign in as (GET /myself) */
export async function testConnection(connection: ConnectionHandle): Promise<ConnectionTestResult> {
  const jira = await connectionClients(connection)
  const user: JiraUser =
    editionOf(connection) === 'cloud'
      ? await jira.call(() => jira.v3.myself.getCurrentUser())
      : await jira.call(() => jira.v2.myself.getCurrentUser())
  const name = user.displayName ?? user.name ?? 'an account'
  return { ok: true, message: `Signed in to Jira as ${name}`, account: name }
}
