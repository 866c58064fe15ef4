/*
|--------------------------------------------------------------------------
| Insights
|--------------------------------------------------------------------------
|
| The dashboards: any member may read them (organization.view); products
| are created, renamed, regrouped and deleted with products.manage.
| Dashboard tables download as CSV from the same URL (?format=csv).
|
*/
import router from '@adonisjs/core/services/router'
import { middleware, web } from '#start/kernel'

const SummaryController = () => import('#controllers/insights/summary_controller')
const ProductsController = () => import('#controllers/insights/products_controller')
const ComplianceController = () => import('#controllers/insights/compliance_controller')
const PullRequestsController = () => import('#controllers/insights/pull_requests_controller')
const DrillController = () => import('#controllers/insights/drill_controller')

router
  .group(() => {
    router.get('/insights', [SummaryController, 'show']).as('insights.summary')
    router.get('/insights/products', [ProductsController, 'index']).as('insights.products.index')
    router.post('/insights/products', [ProductsController, 'store']).as('insights.products.store')
    router
      .get('/insights/products/:product', [ProductsController, 'show'])
      .as('insights.products.show')
    router
      .get('/insights/products/:product/edit', [ProductsController, 'edit'])
      .as('insights.products.edit')
    router
      .post('/insights/products/:product', [ProductsController, 'update'])
      .as('insights.products.update')
    router
      .post('/insights/products/:product/repositories', [ProductsController, 'repositories'])
      .as('insights.products.repositories')
    router
      .post('/insights/products/:product/issue-projects', [ProductsController, 'issueProjects'])
      .as('insights.products.issue_projects')
    router
      .post('/insights/products/:product/delete', [ProductsController, 'destroy'])
      .as('insights.products.destroy')
    router.get('/insights/compliance', [ComplianceController, 'show']).as('insights.compliance')
    router
      .get('/insights/pull-requests', [PullRequestsController, 'index'])
      .as('insights.pull_requests')
    router.get('/insights/deployments', [DrillController, 'deployments']).as('insights.deployments')
    router
      .get('/insights/vulnerabilities', [DrillController, 'vulnerabilities'])
      .as('insights.vulnerabilities')
    router.get('/insights/issues', [DrillController, 'issues']).as('insights.issues')
    router
      .get('/insights/first-reviews', [DrillController, 'firstReviews'])
      .as('insights.first_reviews')
    router
      .get('/insights/deployed-changes', [DrillController, 'deployedChanges'])
      .as('insights.deployed_changes')
    router.get('/insights/commits', [DrillController, 'commits']).as('insights.commits')
    router
      .get('/insights/contributors', [DrillController, 'contributors'])
      .as('insights.contributors')
  })
  .use([...web(), middleware.auth()])
