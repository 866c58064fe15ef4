/*
|--------------------------------------------------------------------------
| Repositories and people across providers
|--------------------------------------------------------------------------
|
| Settings → Repository mapping: references plugins wrote that matched no
| repository, mapped by hand. Settings → People: the people behind
| provider identities, merged and split. Both need integrations.manage.
|
*/
import router from '@adonisjs/core/services/router'
import { middleware, web } from '#start/kernel'

const IdentityController = () => import('#controllers/settings/identity_controller')

router
  .group(() => {
    router
      .get('/settings/repository-mapping', [IdentityController, 'references'])
      .as('settings.repository_mapping')
    router
      .post('/settings/repository-mapping/:reference', [IdentityController, 'mapReference'])
      .as('settings.repository_mapping.map')
    router.get('/settings/people', [IdentityController, 'people']).as('settings.people')
    router.post('/settings/people/merge', [IdentityController, 'merge']).as('settings.people.merge')
    router
      .post('/settings/people/identities/:identity/split', [IdentityController, 'split'])
      .as('settings.people.split')
  })
  .use([...web(), middleware.auth()])
