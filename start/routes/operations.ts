/*
|--------------------------------------------------------------------------
| Operations pages of the admin area
|--------------------------------------------------------------------------
|
| Scheduled jobs: what runs when, how it went, and running one by hand.
| Superusers only, under ADMIN_PATH like the rest of the admin area.
|
*/
import router from '@adonisjs/core/services/router'
import sextantConfig from '#config/sextant'
import { middleware, web } from '#start/kernel'

const JobsController = () => import('#controllers/admin/jobs_controller')

router
  .group(() => {
    router.get('/jobs', [JobsController, 'index']).as('admin.jobs')
    router.post('/jobs/:schedule/run', [JobsController, 'run']).as('admin.jobs.run')
  })
  .prefix(sextantConfig.auth.adminPath)
  .use([...web(), middleware.auth(), middleware.superuser()])
