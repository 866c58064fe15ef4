import { definePlugin } from '#plugin-sdk'
import { basicMethod, gatewayUrl, oauthMethod, patMethod, testConnection } from './connect.js'
import { populateDemoData } from './demo.js'
import { environment } from './environment.js'
import { saveIssueTypes } from './settings_page.js'
import { syncIssues } from './sync/issues.js'
import { syncProjects } from './sync/projects.js'
import { jiraWebhooks, lifecycle } from './webhooks.js'
import { maintainWebhooks } from './dynamic_webhooks.js'
import { syncSprints } from './sync/sprints.js'
import { syncGroups } from './sync/groups.js'

/**
 * Jira Cloud (OAuth 2.0 (3LO) across several sites, or email + API
 * token) and Jira Data Center (personal access token): projects and
 * issues with their status history, feeding bug rate, incidents, time
 * to restore and flow metrics. Requests are built by jira.js and sent
 * through the platform's HTTP client (client.ts).
 */
export default definePlugin({
  id: 'jira',
  name: 'Jira',
  description:
    'Jira Cloud and Data Center: projects and issues with their status history, for bug rate, incidents, time to restore and flow metrics.',
  category: 'issues',
  version: '1.0.0',
  settings: environment,
  demo: populateDemoData,
  connection: {
    methods: [oauthMethod, basicMethod, patMethod],
    baseUrl: {
      get default() {
        return gatewayUrl()
      },
      label: 'Jira site',
      help: 'For an API token: your site (https://your-domain.atlassian.net) or Data Center server. Leave empty for OAuth.',
    },
    test: testConnection,
  },
  sync: [
    {
      name: 'projects',
      description: 'The projects the connection can read',
      schedule: '10 3 * * *',
      run: syncProjects,
    },
    {
      name: 'issues',
      description: 'Issues changed since the last run, with their status history',
      schedule: '15 3 * * *',
      run: syncIssues,
    },
    {
      name: 'sprints',
      description: "Jira Software's sprints: state, goal, dates and board",
      schedule: '5 3 * * *',
      run: syncSprints,
    },
    {
      name: 'groups',
      description: 'Groups and their members, as teams (not the product-access and admin groups)',
      schedule: '20 3 * * *',
      run: syncGroups,
    },
    {
      name: 'webhooks',
      description:
        'Extends dynamic webhooks before their 30 days run out; registers again one Jira dropped or that misses an event',
      schedule: '30 2 * * *',
      run: maintainWebhooks,
    },
  ],
  webhooks: jiraWebhooks,
  lifecycle,
  routes(router) {
    router.post('/connections/:connection/issue-types', saveIssueTypes, {
      permission: 'integrations.manage',
      name: 'issue_types',
    })
  },
  commands: [() => import('./commands/bench_jira.js')],
  views: 'views',
  settingsPartial: 'jira::settings',
})
