import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto'
import { escapeHtml, json, failure, invalid, type ApiContext, type Reply } from './http.js'
import { nextId, type FakeGitHubState } from './state.js'
import type { WebAnswer } from './web.js'

/**
 * GitHub's App manifest flow ("Registering a GitHub App from a
 * manifest"): the browser posts `manifest` to /settings/apps/new (or
 * /organizations/{org}/settings/apps/new) with ?state=; GitHub shows the
 * App for confirmation, then redirects to the manifest's redirect_url
 * with a one-time `code` and the state; POST
 * /app-manifests/{code}/conversions (no authentication) answers the App
 * with its id, key and secrets, once, within an hour.
 */
const CODE_LIFETIME_MS = 60 * 60_000
const MAX_NAME = 34
// the events an App can subscribe to that Sextant's manifest may name
const APP_EVENTS = new Set([
  'check_run',
  'check_suite',
  'create',
  'delete',
  'deployment',
  'deployment_status',
  'issues',
  'issue_comment',
  'label',
  'member',
  'membership',
  'organization',
  'pull_request',
  'pull_request_review',
  'pull_request_review_comment',
  'push',
  'release',
  'repository',
  'status',
  'team',
  'workflow_job',
  'workflow_run',
])

function page(status: number, title: string, content: string): WebAnswer {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body>\n<h1>${escapeHtml(title)}</h1>\n${content}\n</body></html>\n`,
  }
}

const MANIFEST_PATH = /^(?:\/organizations\/([^/]+))?\/settings\/apps\/new$/

export function isManifestForm(pathname: string) {
  return MANIFEST_PATH.test(pathname)
}

function problemsOf(manifest: Record<string, any>): string[] {
  const problems: string[] = []
  if (typeof manifest.url !== 'string' || !URL.canParse(manifest.url))
    problems.push('Url is required')
  if (manifest.hook_attributes && typeof manifest.hook_attributes.url !== 'string') {
    problems.push('Hook attributes url is required')
  }
  if (typeof manifest.name === 'string' && manifest.name.length > MAX_NAME) {
    problems.push(`Name is too long (maximum is ${MAX_NAME} characters)`)
  }
  for (const event of manifest.default_events ?? []) {
    if (!APP_EVENTS.has(event)) problems.push(`Default events unsupported: ${event}`)
  }
  return problems
}

/** the browser's post of the manifest: GitHub's confirmation page */
export function manifestForm(state: FakeGitHubState, url: URL, body: URLSearchParams): WebAnswer {
  const owner = MANIFEST_PATH.exec(url.pathname)?.[1] ?? null
  let manifest: Record<string, any>
  try {
    manifest = JSON.parse(body.get('manifest') ?? '')
  } catch {
    return page(422, 'Invalid GitHub App manifest', '<p>The manifest is not valid JSON.</p>')
  }
  const problems = problemsOf(manifest)
  if (problems.length > 0) {
    return page(
      422,
      'Invalid GitHub App manifest',
      `<ul>${problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>`
    )
  }
  const code = randomBytes(10).toString('hex')
  state.manifestCodes.set(code, { manifest, owner, expiresAt: Date.now() + CODE_LIFETIME_MS })
  const back = new URL(manifest.redirect_url ?? manifest.url)
  back.searchParams.set('code', code)
  const givenState = url.searchParams.get('state')
  if (givenState !== null) back.searchParams.set('state', givenState)
  return page(
    200,
    'Create GitHub App',
    `<form method="get" action="${escapeHtml(back.origin + back.pathname)}">
${[...back.searchParams].map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('\n')}
<p>GitHub App name: <strong>${escapeHtml(String(manifest.name ?? ''))}</strong>${owner ? ` owned by ${escapeHtml(owner)}` : ''}</p>
<button type="submit">Create GitHub App for ${escapeHtml(owner ?? 'octocat')}</button>
</form>`
  )
}

/** POST /app-manifests/{code}/conversions */
export function convertManifest(state: FakeGitHubState, code: string, base: string): Reply {
  const pending = state.manifestCodes.get(code)
  state.manifestCodes.delete(code)
  if (!pending || pending.expiresAt < Date.now()) return failure(404, 'Not Found')
  const { manifest, owner } = pending
  const id = nextId(state, 'app')
  const name = String(manifest.name ?? `app-${id}`)
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || `app-${id}`
  const keys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  })
  const clientId = `Iv23li${randomBytes(7).toString('hex')}`
  const clientSecret = randomBytes(20).toString('hex')
  const webhookSecret = manifest.hook_attributes ? randomBytes(20).toString('hex') : null
  // from now on the fake is this App: its JWTs and its OAuth client
  state.app = { id, slug, name, clientId, clientSecret }
  state.appKey = createPublicKey(keys.publicKey)
  state.hookConfig = { url: manifest.hook_attributes?.url ?? null, content_type: 'json' }
  state.setupUrl = typeof manifest.setup_url === 'string' ? manifest.setup_url : null
  state.createdApps.push({ id, slug, owner, manifest, webhookSecret: webhookSecret ?? '' })
  const login = owner ?? 'octocat'
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
  return json(
    {
      id,
      slug,
      node_id: `A_${Buffer.from(String(id)).toString('base64')}`,
      owner: { login, id: 1, type: owner ? 'Organization' : 'User' },
      name,
      description: manifest.description ?? '',
      external_url: manifest.url,
      html_url: `${base}/apps/${slug}`,
      created_at: now,
      updated_at: now,
      permissions: manifest.default_permissions ?? {},
      events: manifest.default_events ?? [],
      client_id: clientId,
      client_secret: clientSecret,
      webhook_secret: webhookSecret,
      pem: keys.privateKey,
    },
    201
  )
}

/** PATCH /app/hook/config (the App's JWT) */
export function updateHookConfig(context: ApiContext): Reply {
  const body = context.body as Record<string, unknown> | null
  if (!body || (body.url !== undefined && typeof body.url !== 'string')) {
    return invalid('Invalid request.', [{ resource: 'HookConfig', field: 'url', code: 'invalid' }])
  }
  if (typeof body.url === 'string') context.state.hookConfig.url = body.url
  if (typeof body.content_type === 'string')
    context.state.hookConfig.content_type = body.content_type
  return json({ ...context.state.hookConfig, insecure_ssl: '0', secret: '********' })
}
