/*
|--------------------------------------------------------------------------
| Connections
|--------------------------------------------------------------------------
|
| Settings → Connections: every plugin and the organisation's connections
| (any member may look), and connecting, testing, syncing and
| disconnecting them (integrations.manage). Connecting and disconnecting
| change credentials, so they also need a recent password or TOTP check.
| The OAuth callback is where a provider sends the user back.
|
*/
import router from '@adonisjs/core/services/router'
import { middleware, web } from '#start/kernel'
import { pluginRegistry } from '#services/plugins/registry'
import { legacyCallbackPaths } from '#services/plugins/ally_drivers'

const ConnectionsController = () => import('#controllers/settings/connections_controller')
const OAuthController = () => import('#controllers/integrations/oauth_controller')
const OAuthAccountsController = () => import('#controllers/integrations/oauth_accounts_controller')

router
  .group(() => {
    router.get('/settings/connections', [ConnectionsController, 'index']).as('settings.connections')
    router
      .get('/settings/connections/:connection', [ConnectionsController, 'show'])
      .as('settings.connections.show')
    router
      .get('/settings/connections/:connection/status', [ConnectionsController, 'status'])
      .as('settings.connections.status')
    router
      .post('/settings/connections/:connection/test', [ConnectionsController, 'test'])
      .as('settings.connections.test')
    router
      .post('/settings/connections/:connection/sync', [ConnectionsController, 'sync'])
      .as('settings.connections.sync')
    router
      .get('/integrations/oauth/callback', [OAuthController, 'callback'])
      .as('integrations.oauth.callback')
    // a plugin's own callback path (an OAuth app registered with the old system's URL)
    for (const path of legacyCallbackPaths(pluginRegistry.loaded())) {
      router
        .get(path, [OAuthController, 'callback'])
        .as(`integrations.oauth.callback.${path.replace(/[^a-z0-9]+/gi, '_')}`)
    }
    router
      .get('/integrations/oauth/accounts/:choice', [OAuthAccountsController, 'show'])
      .as('integrations.oauth.accounts')

    router
      .group(() => {
        router
          .post('/settings/connections/:plugin/connect', [ConnectionsController, 'connect'])
          .as('settings.connections.connect')
        router
          .post('/settings/connections/:connection/disconnect', [
            ConnectionsController,
            'disconnect',
          ])
          .as('settings.connections.disconnect')
        router
          .post('/settings/connections/:connection/hooks/:hook/retry', [
            ConnectionsController,
            'retryHook',
          ])
          .as('settings.connections.hooks.retry')
        router
          .post('/settings/connections/:connection/webhook-url/rotate', [
            ConnectionsController,
            'rotateWebhookUrl',
          ])
          .as('settings.connections.webhook_url.rotate')
        router
          .post('/integrations/:plugin/oauth/start', [OAuthController, 'start'])
          .as('integrations.oauth.start')
        router
          .post('/integrations/oauth/accounts/:choice', [OAuthAccountsController, 'store'])
          .as('integrations.oauth.accounts.store')
      })
      .use(middleware.recentAuth())
  })
  .use([...web(), middleware.auth()])
