import { randomBytes } from 'node:crypto'
import { vine, type PluginRouteContext } from '#plugin-sdk'
import { GitHubAppNotConfiguredError } from './app_auth.js'
import { missingSettings, resolveAppConfig } from './config.js'
import { environment } from './environment.js'
import { installUrl, InstallationRefusedError, verifyInstallationAccess } from './installations.js'
import { userAuthorisation, userToken } from './user_authorisation.js'

/**
 * The connect flow in progress, in the session. The install leg's state
 * is kept here (GitHub returns it with the installation); the user
 * authorisation's state is ally's (user_authorisation.ts).
 */
const FLOW_KEY = 'github.connectFlow'
const FLOW_LIFETIME_MS = 15 * 60_000

type ConnectFlow = {
  installState?: string
  organizationPublicId: string
  installationId?: number
  setupAction?: string
  /** the user was sent to GitHub to authorise */
  authorising?: boolean
  expiresAt: number
}

const setupQueryValidator = vine.create({
  // GitHub's ids are 64-bit integers well inside Number.MAX_SAFE_INTEGER
  installation_id: vine
    .number()
    .withoutDecimals()
    .positive()
    .max(Number.MAX_SAFE_INTEGER)
    .optional(),
  setup_action: vine.enum(['install', 'update', 'request']).optional(),
  code: vine.string().maxLength(512).optional(),
  state: vine.string().maxLength(256).optional(),
})

/** Settings → Connections → GitHub: what is missing, or the button that installs the App. */
export async function showConnectPage(ctx: PluginRouteContext) {
  const connections = await ctx.plugin.connections()
  const config = await resolveAppConfig()
  return ctx.view.render('github::connect', {
    missing: missingSettings(config),
    noApp: config.source === null,
    superuser: ctx.plugin.user?.isSuperuser ?? false,
    connections,
  })
}

/** Sends the user to GitHub to install the App on an account they own. */
export async function startInstall(ctx: PluginRouteContext) {
  const missing = missingSettings(await resolveAppConfig())
  if (missing.length > 0) {
    ctx.session.flash(
      'error',
      `GitHub cannot be connected yet: an administrator must set ${missing.join(', ')}.`
    )
    return ctx.response.redirect('/integrations/github')
  }
  const state = randomBytes(24).toString('base64url')
  putFlow(ctx, {
    installState: state,
    organizationPublicId: ctx.plugin.organizationPublicId!,
    expiresAt: Date.now() + FLOW_LIFETIME_MS,
  })
  return leaveFor(ctx, await installUrl(state))
}

/**
 * GitHub's post-installation redirect (the App's Setup URL, also its
 * OAuth callback). Without a user code it first asks GitHub to
 * authorise the user (through ally), then stores the installation only if
 * that user can access it.
 */
export async function setupCallback(ctx: PluginRouteContext) {
  const missing = missingSettings(await resolveAppConfig())
  if (missing.length > 0) {
    return refuse(
      ctx,
      `GitHub cannot be connected yet: an administrator must set ${missing.join(', ')}.`
    )
  }
  let query: Awaited<ReturnType<typeof setupQueryValidator.validate>>
  try {
    query = await setupQueryValidator.validate(ctx.request.qs())
  } catch {
    return refuse(ctx, 'GitHub sent back a malformed answer. Start again from Connections.')
  }
  if (query.setup_action === 'request') {
    ctx.session.flash(
      'info',
      "Your request to install the Sextant App was sent to the GitHub account's owners. Connect again once they approve it."
    )
    return ctx.response.redirect('/settings/connections')
  }
  const flow = currentFlow(ctx)
  const unknownAttempt =
    'This connection attempt is unknown, already used or expired. Start again from Connections.'
  if (!query.code || query.state === undefined || !flow?.authorising) {
    // The install leg, with our install state if any (a code GitHub sends
    // along is not trusted: only one from ally's redirect is): the user
    // authorises next.
    if (query.state !== undefined && flow?.installState !== query.state) {
      return refuse(ctx, unknownAttempt)
    }
    const installationId = query.installation_id ?? flow?.installationId
    if (!installationId)
      return refuse(ctx, 'GitHub sent no installation. Start again from Connections.')
    putFlow(ctx, {
      organizationPublicId: ctx.plugin.organizationPublicId!,
      installationId,
      setupAction: query.setup_action ?? flow?.setupAction,
      authorising: true,
      expiresAt: Date.now() + FLOW_LIFETIME_MS,
    })
    const authorisation = await userAuthorisation(ctx, returnUrl(ctx))
    await authorisation.redirect()
    return leaveFor(ctx, String(ctx.response.getHeader('location')))
  }
  // The user authorisation's way back: ally checks the state it kept.
  if (!flow.installationId) return refuse(ctx, unknownAttempt)
  const driver = await userAuthorisation(ctx, returnUrl(ctx))
  ctx.session.forget(FLOW_KEY)
  if (driver.stateMisMatch()) return refuse(ctx, unknownAttempt)
  if (flow.organizationPublicId !== ctx.plugin.organizationPublicId) {
    return refuse(ctx, 'You switched organisation while connecting. Switch back and start again.')
  }
  const installationId = flow.installationId
  try {
    const installation = await verifyInstallationAccess({
      userToken: await userToken(driver),
      installationId,
    })
    const connections = await ctx.plugin.connections()
    const existing = connections.find(
      (connection) => connection.accountKey === String(installation.id)
    )
    const saved = await ctx.plugin.saveConnection({
      accountKey: String(installation.id),
      displayName: installation.account?.login ?? `installation ${installation.id}`,
      config: {
        ...existing?.config,
        installationId: installation.id,
        accountLogin: installation.account?.login ?? null,
        accountType: installation.account?.type ?? null,
        repositorySelection: installation.repository_selection,
      },
      status: installation.suspended_at ? 'inactive' : 'active',
    })
    ctx.session.flash(saved.message.kind, saved.message.message)
    return ctx.response.redirect(
      `/integrations/github/connections/${saved.connection.publicId}/repositories`
    )
  } catch (error) {
    if (error instanceof InstallationRefusedError || error instanceof GitHubAppNotConfiguredError) {
      ctx.response.status(403)
      return ctx.view.render('github::connect_failed', { message: error.message })
    }
    throw error
  }
}

function currentFlow(ctx: PluginRouteContext): ConnectFlow | null {
  const flow = ctx.session.get(FLOW_KEY) as ConnectFlow | undefined
  return flow && flow.expiresAt > Date.now() ? flow : null
}

function putFlow(ctx: PluginRouteContext, flow: ConnectFlow) {
  ctx.session.put(FLOW_KEY, flow)
}

/**
 * Where GitHub returns the user: the path this request came in on (the
 * App may be registered with the old /settings/connect/github/ URL), on
 * APP_URL when set (behind a proxy).
 */
function returnUrl(ctx: PluginRouteContext) {
  const here = new URL(ctx.request.completeUrl())
  const origin = environment.get('APP_URL') ?? here.origin
  return `${origin}${here.pathname}`
}

/** htmx cannot follow a redirect to another origin: it is told to make the browser go. */
function leaveFor(ctx: PluginRouteContext, url: string) {
  if (ctx.request.header('hx-request') === 'true') {
    ctx.response.removeHeader('location')
    ctx.response.header('HX-Redirect', url)
    return ctx.response.noContent()
  }
  return ctx.response.redirect(url)
}

async function refuse(ctx: PluginRouteContext, message: string) {
  ctx.response.status(400)
  return ctx.view.render('github::connect_failed', { message })
}
