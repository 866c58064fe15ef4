/*
|--------------------------------------------------------------------------
| Routes
|--------------------------------------------------------------------------
|
| Route parameters that name a record always carry its public id.
|
*/
import router from '@adonisjs/core/services/router'
import { controllers } from '#generated/controllers'
import { web } from '#start/kernel'

/**
 * Probes for load balancers and orchestrators: no session, no cookie.
 */
router.get('/health', [controllers.Health, 'live']).as('health.live')
router.get('/health/ready', [controllers.Health, 'ready']).as('health.ready')

/**
 * Pages.
 */
router
  .group(() => {
    router.get('/', [controllers.Home, 'index']).as('home')
    router
      .get('/organizations/:organization', [controllers.Organizations, 'show'])
      .as('organizations.show')
  })
  .use(web())
