/*
|--------------------------------------------------------------------------
| The installation's own integrations in the admin area
|--------------------------------------------------------------------------
|
| Plugins whose connection scope is "installation" (the operator's own
| Mailchimp account): connected, tested and disconnected by superusers
| only. Changing credentials asks for the password again if the last
| check is old, as the organisation's Connections do.
|
*/
import router from '@adonisjs/core/services/router'
import sextantConfig from '#config/sextant'
import { middleware, web } from '#start/kernel'

const InstallationConnectionsController = () =>
  import('#controllers/admin/installation_connections_controller')

router
  .group(() => {
    router
      .get('/integrations', [InstallationConnectionsController, 'index'])
      .as('admin.integrations')
    router
      .post('/integrations/:plugin/connect', [InstallationConnectionsController, 'connect'])
      .as('admin.integrations.connect')
      .use(middleware.recentAuth())
    router
      .post('/integrations/connections/:connection/test', [
        InstallationConnectionsController,
        'test',
      ])
      .as('admin.integrations.test')
    router
      .post('/integrations/connections/:connection/disconnect', [
        InstallationConnectionsController,
        'disconnect',
      ])
      .as('admin.integrations.disconnect')
      .use(middleware.recentAuth())
  })
  .prefix(sextantConfig.auth.adminPath)
  .use([...web(), middleware.auth(), middleware.superuser()])
