import { randomBytes } from 'node:crypto'
import { Octokit } from '@octokit/core'
import {
  logger,
  redirectAfterWrite,
  secretsMatch,
  vine,
  type PluginRouteContext,
} from '#plugin-sdk'
import { configuredByEnvironment, resolveAppConfig } from '../config.js'
import { environment } from '../environment.js'
import {
  APP_EVENTS,
  APP_NAME_MAX,
  APP_PERMISSIONS,
  appUrls,
  buildManifest,
  manifestFormUrl,
  unreachableFromGitHub,
} from './manifest.js'
import { currentRegistration, saveRegistration, updateWebhookUrl } from './registration.js'
import { updateAppWebhookUrl } from './webhook_config.js'

/** the manifest flow in progress, in the session: its state is used once */
const FLOW_KEY = 'github.appManifestFlow'
// GitHub's code is valid for an hour; the user may linger on its form
const FLOW_LIFETIME_MS = 60 * 60_000
const PAGE = '/integrations/github/app'

type ManifestFlow = { state: string; expiresAt: number }

const GITHUB_LOGIN = /^[a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38}$/i

const creationValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(APP_NAME_MAX),
  owner_kind: vine.enum(['user', 'organization']),
  organization: vine
    .string()
    .trim()
    .maxLength(39)
    .regex(GITHUB_LOGIN)
    .optional()
    .requiredWhen('owner_kind', '=', 'organization'),
  public: vine.boolean().optional(),
})

const callbackValidator = vine.create({
  code: vine
    .string()
    .trim()
    .maxLength(512)
    .regex(/^[\w-]+$/),
  state: vine.string().trim().maxLength(256),
})

const webhookValidator = vine.create({
  webhook_url: vine
    .string()
    .trim()
    .maxLength(2048)
    .url({ require_tld: false, protocols: ['http', 'https'] }),
})

/** Sextant's public origin: APP_URL behind a proxy, else the request's */
function publicOrigin(ctx: PluginRouteContext) {
  return environment.get('APP_URL') ?? new URL(ctx.request.completeUrl()).origin
}

/** Admin → GitHub App: where the App comes from, and the button that creates one. */
export async function showAppPage(ctx: PluginRouteContext, extra: Record<string, unknown> = {}) {
  const config = await resolveAppConfig()
  const registration = await currentRegistration()
  const origin = publicOrigin(ctx)
  return ctx.view.render('github::app', {
    source: config.source,
    environmentAppId: configuredByEnvironment() ? (environment.get('GITHUB_APP_ID') ?? null) : null,
    registration,
    manageUrl: registration ? `${config.webUrl}/settings/apps/${registration.slug}` : null,
    urls: appUrls(origin),
    unreachable: unreachableFromGitHub(origin),
    defaultName: defaultAppName(origin),
    nameMax: APP_NAME_MAX,
    permissions: Object.entries(APP_PERMISSIONS),
    events: APP_EVENTS,
    errors: {},
    values: {},
    ...extra,
  })
}

function defaultAppName(origin: string) {
  const host = new URL(origin).hostname
  return `Sextant ${host}`.slice(0, APP_NAME_MAX)
}

/**
 * "Create GitHub App": remembers a one-time state, then hands the browser
 * on to GitHub's form with the manifest (a page whose form submits
 * itself; its button does without script).
 */
export async function startAppCreation(ctx: PluginRouteContext) {
  if (configuredByEnvironment()) {
    ctx.response.status(409)
    return showAppPage(ctx, {
      formError: 'The App is configured by environment variables, which win: unset them first.',
    })
  }
  const submitted = ctx.request.only(['name', 'owner_kind', 'organization', 'public'])
  const [error, input] = await creationValidator.tryValidate(submitted)
  if (error) {
    ctx.response.status(422)
    return showAppPage(ctx, {
      errors: Object.fromEntries(
        error.messages.map((m: { field: string; message: string }) => [m.field, m.message])
      ),
      values: submitted,
    })
  }
  const state = randomBytes(24).toString('base64url')
  ctx.session.put(FLOW_KEY, {
    state,
    expiresAt: Date.now() + FLOW_LIFETIME_MS,
  } satisfies ManifestFlow)
  const config = await resolveAppConfig()
  const owner = input.owner_kind === 'organization' ? (input.organization ?? null) : null
  return ctx.view.render('github::app_continue', {
    action: manifestFormUrl(config.webUrl, owner, state),
    manifest: JSON.stringify(
      buildManifest({ name: input.name, origin: publicOrigin(ctx), public: input.public ?? false })
    ),
    owner,
  })
}

/**
 * GitHub's redirect after the App was created: the one-time code is
 * exchanged for the App's id, key and secrets, which are stored sealed.
 * A missing, used or tampered state stores nothing.
 */
export async function finishAppCreation(ctx: PluginRouteContext) {
  const flow = ctx.session.pull(FLOW_KEY) as ManifestFlow | undefined
  const [error, query] = await callbackValidator.tryValidate(ctx.request.qs())
  if (error) return refuse(ctx, 400, 'GitHub sent back a malformed answer. Create the App again.')
  if (!flow || flow.expiresAt < Date.now() || !secretsMatch(flow.state, query.state)) {
    return refuse(
      ctx,
      400,
      'This App creation is unknown, already used or expired: nothing was stored. Create the App again.'
    )
  }
  if (configuredByEnvironment()) {
    return refuse(
      ctx,
      409,
      'The App is configured by environment variables, which win: nothing was stored.'
    )
  }
  const config = await resolveAppConfig()
  let app: ConvertedApp
  try {
    const octokit = new Octokit({ baseUrl: config.apiUrl })
    const { data } = await octokit.request('POST /app-manifests/{code}/conversions', {
      code: query.code,
    })
    app = data as unknown as ConvertedApp
  } catch (failure) {
    const status = (failure as { status?: number }).status
    logger.warn({ status }, 'GitHub refused the App manifest conversion')
    return refuse(
      ctx,
      502,
      status === 404 || status === 422
        ? 'GitHub no longer knows this App creation (its code lasts an hour and works once). Create the App again.'
        : 'GitHub could not be reached to finish creating the App. Create it again in a moment.'
    )
  }
  if (!app.pem || !app.client_secret || !app.client_id || !app.slug) {
    return refuse(ctx, 502, "GitHub answered without the App's key or secrets: nothing was stored.")
  }
  await saveRegistration({
    appId: String(app.id),
    slug: app.slug,
    name: app.name ?? app.slug,
    ownerLogin: app.owner?.login ?? null,
    htmlUrl: app.html_url ?? null,
    clientId: app.client_id,
    clientSecret: app.client_secret,
    privateKey: app.pem,
    webhookSecret: app.webhook_secret ?? randomBytes(32).toString('hex'),
    webhookUrl: appUrls(publicOrigin(ctx)).webhook,
    createdByUserPublicId: ctx.plugin.user?.publicId ?? null,
  })
  ctx.session.flash(
    'success',
    `GitHub App ${app.name ?? app.slug} created. Install it on a GitHub account to connect.`
  )
  return ctx.response.redirect(PAGE)
}

/** Corrects the URL GitHub delivers webhooks to, on GitHub and here. */
export async function saveWebhookUrl(ctx: PluginRouteContext) {
  const registration = await currentRegistration()
  if (!registration || configuredByEnvironment()) {
    return redirectAfterWrite(ctx, PAGE, {
      kind: 'error',
      message: 'There is no App created from Sextant to change.',
    })
  }
  const submitted = ctx.request.only(['webhook_url'])
  const [error, input] = await webhookValidator.tryValidate(submitted)
  if (error) {
    ctx.response.status(422)
    return showAppPage(ctx, {
      errors: { webhook_url: error.messages[0]?.message },
      values: submitted,
    })
  }
  try {
    await updateAppWebhookUrl(input.webhook_url)
  } catch (failure) {
    logger.warn(
      { status: (failure as { status?: number }).status },
      'GitHub refused the webhook URL change'
    )
    ctx.response.status(502)
    return showAppPage(ctx, {
      errors: { webhook_url: 'GitHub did not accept the change; nothing was changed. Try again.' },
      values: input,
    })
  }
  await updateWebhookUrl(input.webhook_url)
  return redirectAfterWrite(ctx, PAGE, {
    kind: 'success',
    message: 'Webhook URL changed on GitHub.',
  })
}

type ConvertedApp = {
  id: number
  slug?: string
  name?: string
  owner?: { login?: string } | null
  html_url?: string
  client_id?: string
  client_secret?: string
  webhook_secret?: string | null
  pem?: string
}

async function refuse(ctx: PluginRouteContext, status: number, message: string) {
  ctx.response.status(status)
  return ctx.view.render('github::connect_failed', {
    message,
    back: PAGE,
    backLabel: 'Back to GitHub App',
  })
}
