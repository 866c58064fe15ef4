/*
|--------------------------------------------------------------------------
| Teams
|--------------------------------------------------------------------------
|
| Settings → Teams: named sets of the organisation's people. Any member
| sees them; organization.manage creates, renames, deletes and fills them.
|
*/
import router from '@adonisjs/core/services/router'
import { middleware, web } from '#start/kernel'

const TeamsController = () => import('#controllers/settings/teams_controller')

router
  .group(() => {
    router.get('/settings/teams', [TeamsController, 'index']).as('settings.teams')
    router.post('/settings/teams', [TeamsController, 'store']).as('settings.teams.store')
    router.post('/settings/teams/:team', [TeamsController, 'update']).as('settings.teams.update')
    router
      .post('/settings/teams/:team/delete', [TeamsController, 'destroy'])
      .as('settings.teams.destroy')
    router
      .post('/settings/teams/:team/members', [TeamsController, 'addMember'])
      .as('settings.teams.members.add')
    router
      .post('/settings/teams/:team/members/:person/remove', [TeamsController, 'removeMember'])
      .as('settings.teams.members.remove')
  })
  .use([...web(), middleware.auth()])
