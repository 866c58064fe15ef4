import type { HttpContext } from '@adonisjs/core/http'
import { memberCan } from '#abilities/main'
import StartOAuthConnection, {
  type PendingOAuthFlow,
} from '#actions/connections/start_oauth_connection'
import CompleteOAuthConnection from '#actions/connections/complete_oauth_connection'
import { ConnectionActionRefusedException } from '#actions/connections/test_connection'
import { connectOutcomeMessage } from '#actions/connections/store_connection'
import { exchangeCode, OAuthError } from '#services/plugins/oauth2'
import { pluginDriver } from '#services/plugins/ally_drivers'
import { pluginRegistry, UnknownPluginException } from '#services/plugins/registry'
import { redrawOnRefusal } from '#exceptions/form_refusal'
import { oauthCallbackValidator } from '#validators/connection'

const CONNECTIONS_PAGE = '/settings/connections'
/** pending flows by state, in the session: each state is used once */
const FLOWS_KEY = 'connections.oauthFlows'

type PendingFlows = Record<string, PendingOAuthFlow>

/**
 * "Connect with …" for plugins that use OAuth 2.0: the plugin method's
 * ally driver sends the user to the provider with a single-use state
 * (and PKCE), and on the way back checks them and trades the code. The
 * session remembers which plugin method and organisation each state
 * belongs to (one shared callback URL serves every plugin).
 */
export default class OAuthController {
  async start(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'integrations.manage')
    redrawOnRefusal(ctx, { redirectTo: CONNECTIONS_PAGE })
    const started = await new StartOAuthConnection().execute({
      ctx,
      pluginId: ctx.params.plugin,
      methodId: methodInput(ctx),
      organizationId: ctx.organization!.id,
    })
    ctx.session.put(FLOWS_KEY, { ...unexpiredFlows(ctx), [started.state]: started.flow })
    // htmx cannot follow a redirect to another origin: it makes the browser go.
    if (ctx.request.header('hx-request') === 'true') {
      ctx.response.removeHeader('location')
      ctx.response.header('HX-Redirect', started.url)
      return ctx.response.noContent()
    }
    // ally's driver has answered with the redirect (and its state cookies)
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
    // ally reads the state (and PKCE verifier) it kept at the redirect, and clears them
    const driver = pluginDriver(ctx, flow.pluginId, flow.methodId)
    if (!driver) {
      return refuse(ctx, `${pluginName} no longer connects this way. Start again from Connections.`)
    }
    if (driver.stateMisMatch()) {
      return refuse(
        ctx,
        'This connection attempt does not match the one this browser started (or it expired). Start again from Connections.'
      )
    }

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
        token: await exchangeCode(driver),
      })
      if (completion.kind === 'choose') {
        return ctx.response.redirect(`/integrations/oauth/accounts/${completion.choicePublicId}`)
      }
      const notice = connectOutcomeMessage(completion.outcome)
      ctx.session.flash(notice.kind, notice.message)
    } catch (error) {
      // the provider's redirect back, not a form: whatever failed (the code
      // exchange, the plugin, the connection) is one sentence naming the plugin
      const known =
        error instanceof OAuthError ||
        error instanceof ConnectionActionRefusedException ||
        error instanceof UnknownPluginException
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
