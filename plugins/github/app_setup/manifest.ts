import { isIP } from 'node:net'

/**
 * The GitHub App manifest Sextant posts to GitHub's "register a GitHub
 * App from a manifest" form: the URLs GitHub needs (from APP_URL or the
 * request's origin), the permissions Sextant reads and writes with, and
 * the webhook events it processes.
 *
 * `installation` and `installation_repositories` are not listed: GitHub
 * delivers them to every App and refuses them as default events.
 */
export const APP_PERMISSIONS = {
  contents: 'read',
  pull_requests: 'read',
  checks: 'write',
  metadata: 'read',
  members: 'read',
  deployments: 'read',
  actions: 'read',
} as const

export const APP_EVENTS = [
  'pull_request',
  'push',
  'check_suite',
  'deployment_status',
  'workflow_run',
] as const

/** GitHub refuses App names longer than this */
export const APP_NAME_MAX = 34

export type ManifestInput = {
  name: string
  /** Sextant's public origin, no trailing slash */
  origin: string
  /** other GitHub accounts may install it (one App serves several organisations) */
  public: boolean
}

export function appUrls(origin: string) {
  return {
    homepage: origin,
    webhook: `${origin}/api/webhooks/github`,
    created: `${origin}/integrations/github/app/created`,
    setup: `${origin}/integrations/github/setup`,
  }
}

export function buildManifest(input: ManifestInput) {
  const urls = appUrls(input.origin)
  return {
    name: input.name,
    url: urls.homepage,
    description:
      'Sextant reads repositories, pull requests and delivery data, and posts status checks.',
    hook_attributes: { url: urls.webhook, active: true },
    redirect_url: urls.created,
    // the user authorisation that proves who installs it comes back to the setup URL
    callback_urls: [urls.setup],
    setup_url: urls.setup,
    setup_on_update: true,
    public: input.public,
    default_permissions: APP_PERMISSIONS,
    default_events: [...APP_EVENTS],
  }
}

/**
 * Where the browser posts the manifest: the signed-in user's account, or
 * an organisation they administer; on GitHub Enterprise Server the same
 * paths under its web host.
 */
export function manifestFormUrl(webUrl: string, owner: string | null, state: string) {
  const path = owner
    ? `/organizations/${encodeURIComponent(owner)}/settings/apps/new`
    : '/settings/apps/new'
  return `${webUrl}${path}?state=${encodeURIComponent(state)}`
}

/**
 * Whether GitHub (on the internet) cannot reach this origin: a loopback,
 * private or link-local address, or a name without a dot. Creation still
 * completes; webhooks can be forwarded later.
 */
export function unreachableFromGitHub(origin: string) {
  let host: string
  try {
    host = new URL(origin).hostname.replace(/^\[|\]$/g, '').toLowerCase()
  } catch {
    return true
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return true
  const version = isIP(host)
  if (version === 4) {
    const [a, b] = host.split('.').map(Number)
    return (
      a === 10 ||
      a === 127 ||
      a === 0 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    )
  }
  if (version === 6) {
    return (
      host === '::1' || host.startsWith('fc') || host.startsWith('fd') || host.startsWith('fe80')
    )
  }
  return !host.includes('.')
}
