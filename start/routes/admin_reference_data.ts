/*
|--------------------------------------------------------------------------
| Reference data in the admin area
|--------------------------------------------------------------------------
|
| Shared data every organisation's insights read: reference metrics and
| records (scores), jurisdictions and compliance standards. Superusers
| only, under ADMIN_PATH like the rest of the admin area; the same
| imports as "node ace import:*".
|
*/
import router from '@adonisjs/core/services/router'
import sextantConfig from '#config/sextant'
import { middleware, web } from '#start/kernel'

const ReferenceDataController = () => import('#controllers/admin/reference_data_controller')

router
  .group(() => {
    router.get('/reference-data', [ReferenceDataController, 'show']).as('admin.reference_data')
    router
      .post('/reference-data/reference', [ReferenceDataController, 'importReference'])
      .as('admin.reference_data.reference')
      .use(middleware.acceptsUpload())
    router
      .post('/reference-data/geographies', [ReferenceDataController, 'importGeographies'])
      .as('admin.reference_data.geographies')
      .use(middleware.acceptsUpload())
    router
      .post('/reference-data/standards', [ReferenceDataController, 'importStandards'])
      .as('admin.reference_data.standards')
      .use(middleware.acceptsUpload())
  })
  .prefix(sextantConfig.auth.adminPath)
  .use([...web(), middleware.auth(), middleware.superuser()])
