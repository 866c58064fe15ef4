import { vine, type ConnectionHandle, type HttpClient, type ResolvedAccount } from '#plugin-sdk'
import { BitbucketClient } from './client.js'
import { environment, webUrl } from './environment.js'
import type * as Bitbucket from './types.js'

/**
 * The three ways into Bitbucket Cloud: the operator's OAuth 2.0 consumer
 * (authorization code; two-hour access tokens, refresh tokens that
 * rotate, so the platform refreshes under its lock), an Atlassian API
 * token (Basic: the account's email and the token; app passwords are
 * retired) or a workspace access token (Bearer). Each connection is one
 * workspace.
 */

/** every workspace the grant reaches becomes a choice; each chosen one a connection */
export async function workspacesOfGrant(
  token: { accessToken: string },
  http: HttpClient
): Promise<ResolvedAccount[]> {
  const accounts: ResolvedAccount[] = []
  for await (const membership of http.paginateItems<Bitbucket.WorkspaceMembership>(
    '/2.0/user/permissions/workspaces',
    {
      strategy: { style: 'next-url', next: 'next' },
      items: 'values',
      query: { pagelen: 100 },
      headers: { authorization: `Bearer ${token.accessToken}` },
      conditional: false,
    }
  )) {
    const workspace = membership.workspace
    accounts.push({
      key: workspace.slug,
      name: workspace.name || workspace.slug,
      config: { workspace: workspace.slug, workspaceUuid: workspace.uuid },
    })
  }
  return accounts
}

const workspaceField = {
  name: 'workspace',
  label: 'Workspace',
  required: true,
  help: 'The workspace ID as it appears in its URLs (bitbucket.org/<workspace>)',
  placeholder: 'acme',
}

const workspaceRule = () =>
  vine
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,61}$/)

export const connectMethods = [
  {
    id: 'oauth',
    label: 'OAuth 2.0',
    help: 'Sign in at Bitbucket and pick the workspaces to connect',
    auth: {
      kind: 'oauth2' as const,
      authorizeUrl: () => `${webUrl()}/site/oauth2/authorize`,
      tokenUrl: () => `${webUrl()}/site/oauth2/access_token`,
      clientId: () => environment.get('BITBUCKET_OAUTH_CONSUMER_KEY'),
      clientSecret: () => environment.get('BITBUCKET_OAUTH_CONSUMER_SECRET'),
      // Bitbucket takes the consumer's key and secret as HTTP Basic at its token endpoint.
      tokenAuthMethod: 'client_secret_basic' as const,
      // No scope parameter: Bitbucket grants the permissions configured on the consumer.
      rotatingRefreshTokens: true,
      // the callback URL consumers were registered with for the system Sextant replaces
      callbackPath: '/settings/connect/bitbucket/',
      resolveAccounts: workspacesOfGrant,
    },
  },
  {
    id: 'api-token',
    label: 'Email and API token',
    help: 'An Atlassian API token with Bitbucket scopes, used with the email of its account',
    auth: { kind: 'basic' as const, usernameField: 'email', passwordField: 'apiToken' },
    fields: [
      workspaceField,
      { name: 'email', label: 'Atlassian account email', type: 'email' as const, required: true },
      {
        name: 'apiToken',
        label: 'API token',
        type: 'password' as const,
        secret: true,
        required: true,
      },
    ],
    validator: vine.create({
      workspace: workspaceRule(),
      email: vine.string().trim().email(),
      apiToken: vine.string().trim().minLength(8),
    }),
  },
  {
    id: 'access-token',
    label: 'Workspace access token',
    help: 'A workspace access token (Premium), created by a workspace admin',
    auth: { kind: 'token' as const },
    fields: [
      workspaceField,
      {
        name: 'token',
        label: 'Access token',
        type: 'password' as const,
        secret: true,
        required: true,
      },
    ],
    validator: vine.create({
      workspace: workspaceRule(),
      token: vine.string().trim().minLength(8),
    }),
  },
]

/** the workspace a connection reads: its account key */
export function workspaceOf(connection: Pick<ConnectionHandle, 'config' | 'accountKey'>) {
  return String(connection.config.workspace ?? connection.accountKey)
}

/** proves the credentials read the workspace (workspace access tokens cannot read /2.0/user) */
export async function testConnection(connection: ConnectionHandle) {
  const client = new BitbucketClient(await connection.client({ retries: { attempts: 2 } }))
  const { data: workspace } = await client.workspace(workspaceOf(connection))
  return {
    ok: true,
    message: `Connected to the workspace ${workspace.name || workspace.slug}`,
    account: workspace.slug,
  }
}
