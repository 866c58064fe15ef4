import type { ConnectionHandle, ConnectionTestResult } from '#plugin-sdk'
import { logger } from '#plugin-sdk'
import { API_VERSION, organizationUrl, statusOf, webApiFor } from './client.js'

/**
 * The scopes Sextant needs, as the PAT creation page names them, and
 * what each one is for. *Test* probes each with a harmless read.
 */
export const SCOPES = [
  {
    id: 'code',
    label: 'Code (read & status)',
    for: 'repositories, pull requests and commits; statuses on pull requests',
  },
  { id: 'build', label: 'Build (read)', for: 'pipeline runs' },
  { id: 'release', label: 'Release (read)', for: 'classic release deployments' },
  { id: 'work', label: 'Work items (read)', for: 'bugs and incidents' },
  { id: 'hooks', label: 'Service hooks (read & write)', for: 'live updates' },
  { id: 'project', label: 'Project and team (read)', for: 'teams and their members' },
] as const
type ScopeId = (typeof SCOPES)[number]['id']

export const SCOPES_HELP = `Scopes: ${SCOPES.map((scope) => scope.label).join(', ')}.`

/** the organisation's name (dev.azure.com/{org}, {org}.visualstudio.com) or the collection's */
export function organizationName(baseUrl: string) {
  const url = new URL(baseUrl)
  const segments = url.pathname.split('/').filter(Boolean)
  const legacy = /^([a-z0-9-]+)\.visualstudio\.com$/i.exec(url.hostname)
  if (legacy) return legacy[1]
  return decodeURIComponent(segments.at(-1) ?? url.hostname)
}

/** the account key: the organisation URL, lower-cased, without scheme or trailing slash */
export function accountKeyOf(baseUrl: string) {
  const url = new URL(baseUrl)
  return `${url.host}${url.pathname}`.replace(/\/+$/, '').toLowerCase()
}

/** a URL naming an organisation: dev.azure.com needs /{org}; a Server URL its collection */
function namesOrganization(baseUrl: string) {
  const url = new URL(baseUrl)
  if (/\.visualstudio\.com$/i.test(url.hostname)) return true
  return url.pathname.replace(/\/+$/, '') !== ''
}

/** days before a token's expiry from which the connection warns */
export const EXPIRY_WARNING_DAYS = 14

/**
 * What the connection says of the PAT's expiry date, typed at connect
 * (Azure DevOps reveals it only to the PAT lifecycle API, which takes
 * Entra ID tokens, never a PAT): nothing without a date or while it is
 * far, a warning within 14 days, a refusal once it has passed.
 */
export function expiryNote(expiresOn: unknown, now = new Date()): string | null {
  if (typeof expiresOn !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(expiresOn)) return null
  const end = Date.parse(`${expiresOn}T23:59:59Z`)
  const days = Math.floor((end - now.getTime()) / 86_400_000)
  if (days < 0)
    return `The personal access token expired on ${expiresOn}: create a new one and connect again.`
  if (days >= EXPIRY_WARNING_DAYS) return null
  const when = days === 0 ? 'today' : days === 1 ? 'tomorrow' : `in ${days} days`
  return `The personal access token expires ${when} (${expiresOn}): create a new one and connect again before then.`
}

const refusedScope = (error: unknown) => [401, 403].includes(statusOf(error) ?? 0)

/**
 * A real call proving the token works (connectionData names its user),
 * then one read per scope: a 401 or 403 there means the token lacks it.
 */
export async function testConnection(connection: ConnectionHandle): Promise<ConnectionTestResult> {
  const baseUrl = organizationUrl(connection)
  if (!namesOrganization(baseUrl)) {
    return {
      ok: false,
      message:
        'Type your organisation URL, https://dev.azure.com/{organisation} (or your Azure DevOps Server collection URL).',
    }
  }
  const api = await webApiFor(connection)
  let user: string
  try {
    const data = await api.connect()
    user = data.authenticatedUser?.providerDisplayName ?? 'an unnamed user'
  } catch (error) {
    const status = statusOf(error)
    logger.info({ err: error, status }, 'azure_devops: connection test failed')
    if ((status === 401 || status === 403 || status === 203) && !connection.credentials.token) {
      return {
        ok: false,
        message: 'Azure DevOps refused the Entra ID sign-in for this organisation. Sign in again.',
      }
    }
    if (status === 401 || status === 403 || status === 203) {
      return {
        ok: false,
        message:
          'Azure DevOps refused the personal access token: it is wrong, expired or revoked. Create a new one and connect again.',
      }
    }
    if (status === 404) {
      return {
        ok: false,
        message: `${baseUrl} is not an Azure DevOps organisation or collection URL.`,
      }
    }
    // unreachable, timed out, or refused by the outbound policy: the platform says which
    throw error
  }

  const missing = new Set<ScopeId>()
  let projectId: string | null = null
  const git = await api.getGitApi()
  try {
    const repositories = await git.getRepositories()
    projectId = repositories[0]?.project?.id ?? null
  } catch (error) {
    if (!refusedScope(error)) throw error
    missing.add('code')
  }
  if (projectId) {
    const probes: Array<[ScopeId, () => Promise<unknown>]> = [
      [
        'build',
        async () => {
          const build = await api.getBuildApi()
          return build.getBuilds(
            projectId!,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            1
          )
        },
      ],
      [
        'release',
        async () => {
          const release = await api.getReleaseApi()
          return release.getReleases(
            projectId!,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            1
          )
        },
      ],
      [
        'work',
        async () => {
          const wit = await api.getWorkItemTrackingApi()
          return wit.queryByWiql(
            { query: 'SELECT [System.Id] FROM WorkItems WHERE [System.Id] = 0' },
            { projectId } as never,
            undefined,
            1
          )
        },
      ],
    ]
    for (const [scope, probe] of probes) {
      try {
        await probe()
      } catch (error) {
        if (!refusedScope(error)) throw error
        missing.add(scope)
      }
    }
  }
  try {
    const core = await api.getCoreApi()
    await core.getProjects(undefined, 1)
  } catch (error) {
    if (!refusedScope(error)) throw error
    missing.add('project')
  }
  try {
    const client = await connection.client({ retries: { attempts: 1 } })
    await client.get('/_apis/hooks/subscriptions', {
      query: { 'api-version': API_VERSION },
      conditional: false,
    })
  } catch (error) {
    if (
      !refusedScope(error) &&
      !refusedScope({ statusCode: (error as { status?: number }).status })
    )
      throw error
    missing.add('hooks')
  }

  const organization = organizationName(baseUrl)
  const missingLabels = SCOPES.filter((scope) => missing.has(scope.id)).map(
    (scope) => `${scope.label} (for ${scope.for})`
  )
  if (missing.has('code')) {
    return {
      ok: false,
      message: `Connected as ${user}, but the token cannot read code in ${organization}. Missing scopes: ${missingLabels.join('; ')}.`,
      account: organization,
    }
  }
  const expiry = expiryNote(connection.config.tokenExpiresOn)
  const projectNote =
    (projectId ? '' : ' No repository is visible yet, so the other scopes were not checked.') +
    (expiry ? ` ${expiry}` : '')
  return {
    ok: true,
    message:
      missingLabels.length > 0
        ? `Connected to ${organization} as ${user}. Missing scopes: ${missingLabels.join('; ')}.${projectNote}`
        : `Connected to ${organization} as ${user}; the token has every scope Sextant reads with.${projectNote}`,
    account: organization,
  }
}
