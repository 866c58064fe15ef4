import type { HttpContext } from '@adonisjs/core/http'
import logger from '@adonisjs/core/services/logger'
import { memberCan } from '#abilities/main'
import ListConnections from '#actions/connections/list_connections'
import ShowConnection from '#actions/connections/show_connection'
import ConnectWithToken, { connectFormErrors } from '#actions/connections/connect_with_token'
import TestConnection from '#actions/connections/test_connection'
import { redrawOnRefusal } from '#exceptions/form_refusal'
import RequestSync from '#actions/connections/request_sync'
import DisconnectConnection from '#actions/connections/disconnect_connection'
import RetryConnectionHook from '#actions/connections/retry_connection_hook'
import RotateWebhookUrl from '#actions/connections/rotate_webhook_url'
import { connectOutcomeMessage } from '#actions/connections/store_connection'
import type { ConnectionTestResult } from '#plugin-sdk/types'

const RECENT_RUNS = 25
const CONNECTIONS_PAGE = '/settings/connections'

type Notice = { kind: 'success' | 'error' | 'info'; message: string }

/**
 * Settings → Connections. Viewing needs only organisation access; every
 * change needs integrations.manage. htmx buttons get the connection's
 * refreshed row (with the message swapped into the flash region); plain
 * forms post and are redirected back with a flash.
 */
export default class ConnectionsController {
  async index(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    return this.#renderIndex(ctx)
  }

  async show(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    const data = await new ShowConnection().execute({
      organization: ctx.organization!,
      connectionPublicId: ctx.params.connection,
      runs: RECENT_RUNS,
    })
    return ctx.view.render('pages/settings/connection', {
      ...data,
      ...(await this.#renderSettingsPartial(ctx, data)),
    })
  }

  /**
   * The polled sync status of a connection (htmx); a browser without
   * JavaScript gets the connection's page instead.
   */
  async status(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    if (!ctx.htmx.wantsPartial) {
      return ctx.response.redirect(`${CONNECTIONS_PAGE}/${ctx.params.connection}`)
    }
    const { connection } = await new ShowConnection().execute({
      organization: ctx.organization!,
      connectionPublicId: ctx.params.connection,
      runs: 1,
      queuedAt: Number(ctx.request.qs().queued) || null,
    })
    return ctx.view.render('partials/connections/sync_status', { connection })
  }

  async connect(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'integrations.manage')
    // wrong fields come back inline on the page; a refused connection as a notice
    redrawOnRefusal(ctx, {
      view: 'pages/settings/connections',
      state: async (refused) => ({
        plugins: await new ListConnections().execute(ctx.organization!),
        connectErrors: connectFormErrors(refused),
      }),
      wholeFormTo: CONNECTIONS_PAGE,
    })
    const outcome = await new ConnectWithToken().execute({
      organization: ctx.organization!,
      actor: ctx.auth.use('web').user!,
      pluginId: ctx.params.plugin,
      methodId: textInput(ctx.request.input('method')),
      fields: ctx.request.input('fields', {}),
      baseUrl: ctx.request.input('baseUrl'),
    })
    const notice = connectOutcomeMessage(outcome)
    ctx.session.flash(notice.kind, notice.message)
    return ctx.response.redirect(CONNECTIONS_PAGE)
  }

  async test(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'integrations.manage')
    this.#redrawRowOnRefusal(ctx)
    const { result } = await new TestConnection().execute({
      organization: ctx.organization!,
      connectionPublicId: ctx.params.connection,
    })
    const notice: Notice = {
      kind: result.ok ? 'success' : 'error',
      message: `${result.ok ? 'Test passed' : 'Test failed'}: ${result.message}`,
    }
    return this.#afterChange(ctx, notice, { testResult: result })
  }

  async sync(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'integrations.manage')
    this.#redrawRowOnRefusal(ctx)
    const { queuedAt } = await new RequestSync().execute({
      organization: ctx.organization!,
      connectionPublicId: ctx.params.connection,
    })
    return this.#afterChange(
      ctx,
      { kind: 'info', message: 'Sync queued: a worker will start it shortly.' },
      { queuedAt: queuedAt.toMillis() }
    )
  }

  async disconnect(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'integrations.manage')
    // "Remove now" on a connection whose onDisconnecting keeps failing
    const skipCleanup = ctx.request.input('skipCleanup') === 'true'
    const { pluginName, account, cleanupQueued } = await new DisconnectConnection().execute({
      organization: ctx.organization!,
      connectionPublicId: ctx.params.connection,
      skipCleanup,
    })
    const target = account ? `${pluginName} (${account})` : pluginName
    if (cleanupQueued) {
      ctx.session.flash(
        'info',
        `Disconnecting ${target}: it is being removed at the provider first. The data it synced is kept.`
      )
      return this.#afterWrite(ctx, `${CONNECTIONS_PAGE}/${ctx.params.connection}`)
    }
    ctx.session.flash('success', `Disconnected ${target}. The data it synced is kept.`)
    // The row's page may be the connection's own, which no longer exists.
    return this.#afterWrite(ctx, CONNECTIONS_PAGE)
  }

  /** Retry of a failed onConnected / onDisconnecting (the plugin's setup or clean-up at the provider) */
  async retryHook(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'integrations.manage')
    this.#redrawRowOnRefusal(ctx)
    await new RetryConnectionHook().execute({
      organization: ctx.organization!,
      connectionPublicId: ctx.params.connection,
      hook: ctx.params.hook,
    })
    return this.#afterChange(ctx, {
      kind: 'info',
      message: 'Retry queued: a worker runs it shortly.',
    })
  }

  /** a new webhook URL token; the plugin registers the new URL with the provider */
  async rotateWebhookUrl(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'integrations.manage')
    this.#redrawRowOnRefusal(ctx)
    await new RotateWebhookUrl().execute({
      organization: ctx.organization!,
      connectionPublicId: ctx.params.connection,
    })
    return this.#afterChange(ctx, {
      kind: 'success',
      message: 'Webhook URL rotated: the old one is refused, the new one is being registered.',
    })
  }

  /**
   * A refused test, sync, retry or rotation: htmx gets the connection's
   * row again with the message; a plain form goes back with it flashed.
   */
  #redrawRowOnRefusal(ctx: HttpContext) {
    const back = ctx.request.input('back') === 'connection'
    if (!ctx.htmx.wantsPartial) {
      const page = back ? `${CONNECTIONS_PAGE}/${ctx.params.connection}` : CONNECTIONS_PAGE
      return redrawOnRefusal(ctx, { redirectTo: page })
    }
    redrawOnRefusal(ctx, {
      view: 'partials/connections/connection_row',
      state: async (refused) => {
        const { plugin, connection } = await new ShowConnection().execute({
          organization: ctx.organization!,
          connectionPublicId: ctx.params.connection,
          runs: 1,
        })
        const notice: Notice = { kind: 'error', message: refused.message }
        return { plugin, connection, notice, back, testResult: null }
      },
    })
  }

  #afterWrite(ctx: HttpContext, location: string) {
    if (ctx.request.header('hx-request') === 'true') {
      ctx.response.header('HX-Redirect', location)
      return ctx.response.noContent()
    }
    return ctx.response.redirect(location)
  }

  async #renderIndex(ctx: HttpContext, extra: Record<string, unknown> = {}) {
    const plugins = await new ListConnections().execute(ctx.organization!)
    return ctx.view.render('pages/settings/connections', {
      plugins,
      connectErrors: null,
      ...extra,
    })
  }

  /**
   * htmx gets the connection's row again, its test result or queued sync
   * inline and the message out of band; a plain form post goes back to
   * the page it came from.
   */
  async #afterChange(
    ctx: HttpContext,
    notice: Notice,
    inline: { testResult?: ConnectionTestResult; queuedAt?: number } = {}
  ) {
    const back = ctx.request.input('back') === 'connection'
    if (ctx.htmx.wantsPartial) {
      const { plugin, connection } = await new ShowConnection().execute({
        organization: ctx.organization!,
        connectionPublicId: ctx.params.connection,
        runs: 1,
        queuedAt: inline.queuedAt ?? null,
      })
      return ctx.view.render('partials/connections/connection_row', {
        plugin,
        connection,
        notice,
        back,
        testResult: inline.testResult ?? null,
      })
    }
    ctx.session.flash(notice.kind, notice.message)
    return ctx.response.redirect(
      back ? `${CONNECTIONS_PAGE}/${ctx.params.connection}` : CONNECTIONS_PAGE
    )
  }

  /**
   * A plugin's own settings partial: a mistake in it is shown on the page
   * and logged, and does not take the connection's page down.
   */
  async #renderSettingsPartial(
    ctx: HttpContext,
    data: Awaited<ReturnType<ShowConnection['execute']>>
  ) {
    if (!data.settingsPartial) return { settingsHtml: null, settingsFailed: false }
    try {
      const html = await ctx.view.render(data.settingsPartial, { connection: data.settingsData })
      return { settingsHtml: html, settingsFailed: false }
    } catch (error) {
      logger.error({ err: error, plugin: data.plugin.id }, 'plugin settings partial failed')
      return { settingsHtml: null, settingsFailed: true }
    }
  }
}

/** a form value that should be one short string; anything else is absent */
function textInput(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value.slice(0, 64) : null
}
