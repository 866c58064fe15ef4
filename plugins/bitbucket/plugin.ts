import { definePlugin } from '#plugin-sdk'
import { connectMethods, testConnection } from './connect.js'
import { apiUrl } from './environment.js'
import { environment } from './environment.js'

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
})
