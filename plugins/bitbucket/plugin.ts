import { definePlugin } from '#plugin-sdk'
import { connectMethods, testConnection } from './connect.js'
import { apiUrl } from './environment.js'
import { environment } from './environment.js'
import { populateDemoData } from './demo.js'
import { lifecycle } from './lifecycle.js'
import { repositoriesPage } from './repositories_page.js'
import { statusChecks } from './status_checks.js'
import { bitbucketWebhooks } from './webhooks.js'
import { syncCommits } from './sync/commits.js'
import { syncDeployments } from './sync/deployments.js'
import { syncGroups } from './sync/groups.js'
import { syncPipelines } from './sync/pipelines.js'
import { syncPullRequests } from './sync/pull_requests.js'
import { syncRepositories } from './sync/repositories.js'
import { downloadSnapshots } from './sync/snapshots.js'

/**
 * Bitbucket Cloud through its REST API 2.0 on the platform's HTTP client:
 * one connection per workspace (OAuth 2.0 consumer, Atlassian API token
 * or workspace access token); repositories, pull requests with
 * participants and approvals, commits, Pipelines runs; signed webhooks
 * registered on connect; build statuses on pull requests.
 */
export default definePlugin({
  id: 'bitbucket',
  name: 'Bitbucket',
  description:
    'Bitbucket Cloud workspaces: repositories, pull requests with approvals, commits and Pipelines; signed webhooks and build statuses.',
  category: 'code',
  version: '1.0.0',
  settings: environment,
  commands: [() => import('./commands/bench_bitbucket.js')],
  demo: populateDemoData,
  connection: {
    methods: connectMethods,
    baseUrl: {
      // read on use, so a changed BITBUCKET_API_URL (or a test's fake) is seen at once
      get default() {
        return apiUrl()
      },
    },
    accountKey: ({ config }) => String(config.workspace),
    test: testConnection,
  },
  lifecycle,
  statusChecks,
  webhooks: bitbucketWebhooks,
  routes(router) {
    router.get('/connections/:connection/repositories', repositoriesPage.show, {
      name: 'repositories',
    })
    router.post('/connections/:connection/repositories', repositoriesPage.saveSelection, {
      permission: 'integrations.manage',
      name: 'repositories.save',
    })
  },
  views: 'views',
  settingsPartial: 'bitbucket::settings',
  sync: [
    {
      name: 'repositories',
      description: "The workspace's repositories",
      schedule: '0 1 * * *',
      run: syncRepositories,
    },
    {
      name: 'pull_requests',
      description:
        'Pull requests in every state, with participants, approvals, size and merge times',
      schedule: '15 1 * * *',
      run: syncPullRequests,
    },
    {
      name: 'commits',
      description: 'Commits on main branches, with AI-assistance trailers',
      schedule: '30 1 * * *',
      run: syncCommits,
    },
    {
      name: 'pipelines',
      description: 'Pipelines runs as CI builds (DORA)',
      schedule: '45 1 * * *',
      run: syncPipelines,
    },
    {
      name: 'deployments',
      description: 'Deployments to environments (DORA)',
      schedule: '50 1 * * *',
      run: syncDeployments,
    },
    {
      name: 'groups',
      description: 'Workspace groups and their members, as teams',
      schedule: '55 1 * * *',
      run: syncGroups,
    },
    {
      name: 'snapshots',
      kind: 'snapshot',
      description: 'Main-branch snapshots of monitored repositories',
      schedule: '0 3 * * *',
      run: downloadSnapshots,
    },
  ],
})
