import type { HttpContext } from '@adonisjs/core/http'
import { memberCan } from '#abilities/main'
import env from '#start/env'
import StartOAuthConnection, {
  type PendingOAuthFlow,
} from '#actions/connections/start_oauth_connection'
import CompleteOAuthConnection from '#actions/connections/complete_oauth_connection'
import { ConnectionActionRefused } from '#actions/connections/test_connection'
import { connectOutcomeMessage } from '#actions/connections/store_connection'
import { OAuthError } from '#services/plugins/oauth2'
import { pluginRegistry, UnknownPluginError } from '#services/plugins/registry'
import { oauthCallbackValidator } from '#validators/connection'

const CONNECTIONS_PAGE = '/settings/connections'
/** pending flows by state, in the session: each state is used once */
const FLOWS_KEY = 'connections.oauthFlows'

type PendingFlows = Record<string, PendingOAuthFlow>

/**
 * "Connect with …" for plugins that use OAuth 2.0: sends the user to the
 * provider with a single-use state (and PKCE), and takes them back.
 */
export default class OAuthController {
  async start(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'integrations.manage')
    let started: Awaited<ReturnType<StartOAuthConnection['execute']>>
    try {
      started = await new StartOAuthConnection().execute({
        pluginId: ctx.params.plugin,
        methodId: methodInput(ctx),
        organizationId: ctx.organization!.id,
        redirectUri: callbackUrl(ctx),
      })
    } catch (error) {
      if (error instanceof UnknownPluginError) {
        return ctx.response.notFound(await ctx.view.render('pages/errors/not_found'))
      }
      if (!(error instanceof ConnectionActionRefused)) throw error
      ctx.session.flash('error', error.message)
      return ctx.response.redirect(CONNECTIONS_PAGE)
    }
    ctx.session.put(FLOWS_KEY, { ...unexpiredFlows(ctx), [started.state]: started.flow })
    // htmx cannot follow a redirect to another origin: it makes the browser go.
    if (ctx.request.header('hx-request') === 'true') {
      ctx.response.header('HX-Redirect', started.url)
      return ctx.response.noContent()
    }
    return ctx.response.redirect(started.url)
  }

  async callback(ctx: HttpContext) {
    let query: Awaited<ReturnType<typeof oauthCallbackValidator.validate>>
    try {
      query = await oauthCallbackValidator.validate(ctx.request.qs())
    } catch {
      return refuse(ctx, 'The provider sent back a malformed answer. Start again from Connections.')
    }
    const flow = takeFlow(ctx, query.state)
    if (!flow) {
      return refuse(
        ctx,
        'This connection attempt is unknown, already used or expired (it lasts 10 minutes). Start again from Connections.'
      )
    }
    if (flow.organizationId !== ctx.organization?.id) {
      return refuse(
        ctx,
        'You switched organisation while connecting. Switch back and start again from Connections.'
      )
    }
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'integrations.manage')
    const pluginName = pluginRegistry.get(flow.pluginId)?.definition.name ?? flow.pluginId

    if (query.error) {
      const reason = query.error_description || query.error
      ctx.session.flash('error', `${pluginName} did not authorise the connection: ${reason}`)
      return ctx.response.redirect(CONNECTIONS_PAGE)
    }
    if (!query.code) {
      return refuse(ctx, `${pluginName} sent no authorisation code. Start again from Connections.`)
    }

    try {
      const completion = await new CompleteOAuthConnection().execute({
        organization: ctx.organization,
        actor: ctx.auth.use('web').user!,
        pluginId: flow.pluginId,
        methodId: flow.methodId,
        code: query.code,
        redirectUri: flow.redirectUri,
        codeVerifier: flow.codeVerifier,
      })
      if (completion.kind === 'choose') {
        return ctx.response.redirect(`/integrations/oauth/accounts/${completion.choicePublicId}`)
      }
      const notice = connectOutcomeMessage(completion.outcome)
      ctx.session.flash(notice.kind, notice.message)
    } catch (error) {
      const known =
        error instanceof OAuthError ||
        error instanceof ConnectionActionRefused ||
        error instanceof UnknownPluginError
      if (!known) throw error
      ctx.session.flash('error', `Connecting ${pluginName} failed: ${error.message}`)
    }
    return ctx.response.redirect(CONNECTIONS_PAGE)
  }
}

/** the authentication method a connect form names, when it names one */
function methodInput(ctx: HttpContext): string | null {
  const value = ctx.request.input('method')
  return typeof value === 'string' && value !== '' ? value.slice(0, 64) : null
}

/**
 * Where the provider sends the user back: under APP_URL when set (behind
 * a proxy), else the origin this request came to.
 */
function callbackUrl(ctx: HttpContext) {
  const origin = env.get('APP_URL') ?? new URL(ctx.request.completeUrl()).origin
  return `${origin.replace(/\/+$/, '')}/integrations/oauth/callback`
}

function unexpiredFlows(ctx: HttpContext): PendingFlows {
  const flows: PendingFlows = ctx.session.get(FLOWS_KEY, {}) ?? {}
  return Object.fromEntries(
    Object.entries(flows).filter(([, flow]) => Number(flow?.expiresAt) > Date.now())
  )
}

/** removes the state's flow from the session whatever happens next: it works once */
function takeFlow(ctx: HttpContext, state: string | undefined): PendingOAuthFlow | null {
  const flows = unexpiredFlows(ctx)
  const flow = state && Object.hasOwn(flows, state) ? flows[state] : null
  if (state) delete flows[state]
  ctx.session.put(FLOWS_KEY, flows)
  return flow
}

async function refuse(ctx: HttpContext, message: string) {
  ctx.response.status(400)
  return ctx.view.render('partials/connections/oauth_failed', { message })
}
