import { vine, type AuthMethod, type ConnectionHandle } from '#plugin-sdk'
import { GitHubClient, GITHUB_HEADERS } from './client.js'

/**
 * Token quick-connect: a first look at GitHub without an App. A
 * fine-grained personal access token with read-only access syncs the
 * same repositories, pull requests, commits, releases and deployments
 * (with conditional requests), but cannot post status checks or
 * receive webhooks: only an App can.
 */
export const TOKEN_METHOD_ID = 'token'

/** the token's read-only permissions, as GitHub's fine-grained token form names them */
export const TOKEN_PERMISSIONS = [
  'Metadata: read',
  'Contents: read',
  'Pull requests: read',
  'Actions: read',
  'Deployments: read',
]

/** App connections always know their installation; token connections never do */
export function isTokenConnection(connection: Pick<ConnectionHandle, 'config'>) {
  return connection.config.installationId === undefined || connection.config.installationId === null
}

export const personalTokenMethod: AuthMethod = {
  id: TOKEN_METHOD_ID,
  label: 'Personal access token',
  help: `For a first look without an App: a fine-grained token with read-only access to the repositories (${TOKEN_PERMISSIONS.join(', ')}). It cannot post status checks or receive webhooks; install the App for those.`,
  auth: { kind: 'token' },
  fields: [
    {
      name: 'token',
      label: 'Fine-grained personal access token',
      type: 'password',
      secret: true,
      required: true,
      placeholder: 'github_pat_…',
      help: 'GitHub → Settings → Developer settings → Fine-grained tokens.',
    },
  ],
  validator: vine.create({
    token: vine
      .string()
      .trim()
      .minLength(20)
      .maxLength(255)
      .regex(/^[\w-]+$/),
  }),
  // one token connection per organisation: connecting again replaces its token
  accountKey: () => 'personal-access-token',
  requestHeaders: (connection) => ({
    authorization: `Bearer ${connection.credentials.token}`,
    ...GITHUB_HEADERS,
  }),
  async test(connection) {
    const http = await connection.client({ retries: { attempts: 2 } })
    const user = await http.get<{ login: string }>('/user', { conditional: false })
    let count = 0
    for await (const page of new GitHubClient(http).tokenRepositories()) count += page.length
    return {
      ok: true,
      message: `The token of ${user.data.login} can read ${count} repositories (read-only: no status checks or webhooks)`,
      account: user.data.login,
    }
  },
}
