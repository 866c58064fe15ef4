/*
|--------------------------------------------------------------------------
| Working agreements and insights mail (issue #25)
|--------------------------------------------------------------------------
|
| Settings → Insights → Working agreements: any member reads them and
| chooses their own insights mail; organization.manage sets targets and
| the alert webhook. The digest's unsubscribe link is signed and works
| signed out.
|
*/
import router from '@adonisjs/core/services/router'
import { middleware, web } from '#start/kernel'

const WorkingAgreementsController = () =>
  import('#controllers/settings/working_agreements_controller')
const InsightsMailController = () => import('#controllers/insights_mail_controller')

router
  .group(() => {
    router
      .get('/settings/insights/agreements', [WorkingAgreementsController, 'index'])
      .as('settings.agreements')
    router
      .post('/settings/insights/agreements', [WorkingAgreementsController, 'store'])
      .as('settings.agreements.store')
    router
      .post('/settings/insights/agreements/:agreement/delete', [
        WorkingAgreementsController,
        'destroy',
      ])
      .as('settings.agreements.destroy')
    router
      .post('/settings/insights/alert-webhook', [WorkingAgreementsController, 'webhook'])
      .as('settings.agreements.webhook')
    router
      .post('/settings/insights/mail', [WorkingAgreementsController, 'mail'])
      .as('settings.agreements.mail')
  })
  .use([...web(), middleware.auth()])

router
  .get('/insights/mail/:membership/stop', [InsightsMailController, 'stop'])
  .as('insights.mail.stop')
  .use(web())
