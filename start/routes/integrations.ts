/*
|--------------------------------------------------------------------------
| Integrations
|--------------------------------------------------------------------------
|
| The Connections pages and OAuth flow (start/routes/connections.ts), the
| webhook receivers and every loaded plugin's own routes.
|
*/
import router from '@adonisjs/core/services/router'
import type { HttpContext } from '@adonisjs/core/http'
import sextantConfig from '#config/sextant'
import { middleware, web } from '#start/kernel'
import { pluginRegistry } from '#services/plugins/registry'
import { mountPluginRoutes } from '#start/routes/plugin_routes'
import { bodyLimits } from '#config/bodyparser'

const WebhooksController = () => import('#controllers/webhooks/webhooks_controller')
const WebhookDeliveriesController = () => import('#controllers/admin/webhook_deliveries_controller')

await import('#start/routes/connections')

/**
 * Webhooks: no session, no CSRF token (providers cannot send one); each
 * plugin verifies its deliveries' signatures instead. Their bodies may be
 * as large as WEBHOOK_MAX_BODY (413 above it, before anything is parsed).
 */
const webhookBody = () => middleware.bodyLimit({ maxBytes: bodyLimits.webhook })
router
  .post('/api/webhooks/:plugin', [WebhooksController, 'receive'])
  .as('webhooks.receive')
  .use([middleware.webhookRateLimit(), webhookBody()])
// A connection's own URL, for providers that cannot sign (its token is the proof).
router
  .post('/api/webhooks/:plugin/c/:connection/:token', [WebhooksController, 'receive'])
  .as('webhooks.receive.connection')
  .use([middleware.webhookRateLimit(), webhookBody()])
// GET: the validation request a provider sends before saving a webhook.
router
  .get('/api/webhooks/:plugin', [WebhooksController, 'handshake'])
  .as('webhooks.handshake')
  .use(middleware.webhookRateLimit())
router
  .get('/api/webhooks/:plugin/c/:connection/:token', [WebhooksController, 'handshake'])
  .as('webhooks.handshake.connection')
  .use(middleware.webhookRateLimit())

for (const plugin of pluginRegistry.loaded()) {
  for (const path of plugin.definition.webhooks?.legacyPaths ?? []) {
    const name = `webhooks.legacy.${plugin.id}.${path.replace(/[^a-z0-9]+/gi, '_')}`
    const asPlugin = (action: 'receive' | 'handshake') => async (ctx: HttpContext) => {
      const { default: Controller } = await WebhooksController()
      ctx.params = { ...ctx.params, plugin: plugin.id, legacyPath: true }
      return new Controller()[action](ctx)
    }
    const rateLimit = () => middleware.webhookRateLimit({ pluginId: plugin.id })
    router.post(path, asPlugin('receive')).as(name).use([rateLimit(), webhookBody()])
    router.get(path, asPlugin('handshake')).as(`${name}.handshake`).use(rateLimit())
  }
  mountPluginRoutes(plugin)
}

/**
 * The admin area's view of deliveries: failures and their Retry button.
 */
router
  .group(() => {
    router.get('/webhooks', [WebhookDeliveriesController, 'index']).as('admin.webhooks')
    router
      .post('/webhooks/:delivery/retry', [WebhookDeliveriesController, 'retry'])
      .as('admin.webhooks.retry')
  })
  .prefix(sextantConfig.auth.adminPath)
  .use([...web(), middleware.auth(), middleware.superuser()])
