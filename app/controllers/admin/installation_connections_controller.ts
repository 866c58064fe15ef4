import type { HttpContext } from '@adonisjs/core/http'
import sextantConfig from '#config/sextant'
import ListInstallationConnections from '#actions/admin/list_installation_connections'
import ConnectWithToken, { connectFormErrors } from '#actions/connections/connect_with_token'
import TestConnection from '#actions/connections/test_connection'
import { redrawOnRefusal } from '#exceptions/form_refusal'
import DisconnectConnection from '#actions/connections/disconnect_connection'
import { connectOutcomeMessage } from '#actions/connections/store_connection'

const page = () => `${sextantConfig.auth.adminPath}/integrations`

/**
 * Admin → Integrations: the installation's own accounts (plugins whose
 * connection scope is "installation"), connected, tested and
 * disconnected by a superuser. Plain forms, redirected back with a
 * flash; a refused form comes back 422 with its messages.
 */
export default class InstallationConnectionsController {
  async index(ctx: HttpContext) {
    return this.#render(ctx)
  }

  async connect(ctx: HttpContext) {
    // wrong fields come back inline on the page; a refused connection as a notice
    redrawOnRefusal(ctx, {
      view: 'pages/admin/integrations',
      state: async (refused) => ({
        plugins: await new ListInstallationConnections().execute(),
        connectErrors: connectFormErrors(refused),
      }),
      wholeFormTo: page(),
    })
    const outcome = await new ConnectWithToken().execute({
      organization: null,
      actor: ctx.auth.use('web').user!,
      pluginId: ctx.params.plugin,
      methodId: textInput(ctx.request.input('method')),
      fields: ctx.request.input('fields', {}),
      baseUrl: ctx.request.input('baseUrl'),
    })
    const notice = connectOutcomeMessage(outcome)
    ctx.session.flash(notice.kind, notice.message)
    return ctx.response.redirect(page())
  }

  async test(ctx: HttpContext) {
    redrawOnRefusal(ctx, { redirectTo: page() })
    const { result } = await new TestConnection().execute({
      organization: null,
      connectionPublicId: ctx.params.connection,
    })
    ctx.session.flash(
      result.ok ? 'success' : 'error',
      `${result.ok ? 'Test passed' : 'Test failed'}: ${result.message}`
    )
    return ctx.response.redirect(page())
  }

  async disconnect(ctx: HttpContext) {
    const { pluginName, account, cleanupQueued } = await new DisconnectConnection().execute({
      organization: null,
      connectionPublicId: ctx.params.connection,
      skipCleanup: ctx.request.input('skipCleanup') === 'true',
    })
    const target = account ? `${pluginName} (${account})` : pluginName
    ctx.session.flash(
      cleanupQueued ? 'info' : 'success',
      cleanupQueued
        ? `Disconnecting ${target}: it is being removed at the provider first.`
        : `Disconnected ${target}.`
    )
    return ctx.response.redirect(page())
  }

  async #render(ctx: HttpContext) {
    const plugins = await new ListInstallationConnections().execute()
    return ctx.view.render('pages/admin/integrations', { plugins, connectErrors: null })
  }
}

/** a form value that should be one short string; anything else is absent */
function textInput(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value.slice(0, 64) : null
}
