import { definePlugin } from '#plugin-sdk'
import { mintInstallationToken } from './app_auth.js'
import { GitHubClient, GITHUB_HEADERS } from './client.js'
import { gitHubAppConfig } from './config.js'
import { populateDemoData } from './demo.js'
import { environment } from './environment.js'
import { gitHubLifecycle } from './lifecycle.js'
import { gitHubStatusChecks } from './status_check.js'
import { setupCallback, showConnectPage, startInstall } from './connect.js'
import { isTokenConnection, personalTokenMethod } from './personal_token.js'
import {
  finishAppCreation,
  saveWebhookUrl,
  showAppPage,
  startAppCreation,
} from './app_setup/pages.js'
import { REGISTRATIONS_TABLE, SEALED_REGISTRATION_COLUMNS } from './app_setup/registration.js'
import { repositoriesPage } from './repositories_page.js'
import { syncCommits } from './sync/commits.js'
import { syncAiNotes } from './sync/ai_notes.js'
import { syncDelivery } from './sync/delivery.js'
import { syncPullRequests } from './sync/pull_requests.js'
import { syncRepositories } from './sync/repositories.js'
import { syncTeams } from './sync/teams.js'
import { downloadSnapshots } from './sync/snapshots.js'
import { gitHubWebhooks } from './webhooks.js'

/**
 * GitHub through a GitHub App: each organisation installs the App on its
 * GitHub account; Sextant reads repositories, pull requests, commits and
 * delivery data with the installation's short-lived tokens, downloads
 * repository snapshots, and posts a "Sextant" status check on pull
 * requests. The App itself is configured once per server (see config.ts).
 */
export default definePlugin({
  id: 'github',
  name: 'GitHub',
  description:
    'Repositories, pull requests, commits, releases and workflow runs through a GitHub App; status checks on pull requests.',
  category: 'code',
  version: '1.0.0',
  settings: environment,
  // the App created from Sextant (Admin → GitHub App): one per server
  sealedColumns: SEALED_REGISTRATION_COLUMNS.map((column) => ({
    table: REGISTRATIONS_TABLE,
    column,
  })),
  demo: populateDemoData,
  // the compliance page's "status checks" controls: whether this
  // connection can post them (the policy itself is the organisation's)
  evidence: (connection) => {
    const can = !isTokenConnection(connection)
    return [
      {
        kind: 'status_checks',
        met: can,
        label: can
          ? `${connection.displayName}: GitHub App, posts status checks`
          : `${connection.displayName}: personal access token, cannot post status checks`,
        href: `/integrations/github/connections/${connection.publicId}/repositories`,
      },
    ]
  },
  connection: {
    methods: [
      {
        id: 'app',
        label: 'GitHub App',
        help: 'Recommended: repositories you choose, status checks on pull requests, and webhooks.',
        auth: {
          kind: 'app_installation',
          mintToken: (connection) =>
            mintInstallationToken(
              String(connection.config.installationId ?? connection.accountKey)
            ),
        },
      },
      personalTokenMethod,
    ],
    baseUrl: {
      // Read on use, like the rest of the App's settings (gitHubAppConfig).
      get default() {
        return gitHubAppConfig().apiUrl
      },
    },
    // Install on GitHub answers its form with a redirect to GitHub's web host.
    redirectOrigins: () => [gitHubAppConfig().webUrl],
    requestHeaders: async (connection) => ({
      authorization: `Bearer ${await connection.accessToken()}`,
      ...GITHUB_HEADERS,
    }),
    async test(connection) {
      const client = new GitHubClient(await connection.client({ retries: { attempts: 2 } }))
      const page = await client.http.get<{ total_count: number }>('/installation/repositories', {
        query: { per_page: 1 },
        conditional: false,
      })
      const login = String(connection.config.accountLogin ?? connection.displayName ?? '')
      return {
        ok: true,
        message: `The App can read ${page.data.total_count} repositories of ${login}`,
        account: login,
      }
    },
  },
  sync: [
    {
      name: 'repositories',
      description: 'Repositories the installation can read',
      schedule: '0 1 * * *',
      run: syncRepositories,
    },
    {
      name: 'pull_requests',
      description: 'Pull requests with reviews, size and merge times',
      schedule: '15 1 * * *',
      run: syncPullRequests,
    },
    {
      name: 'commits',
      description: 'Commits on default branches, with AI-assistance trailers',
      schedule: '30 1 * * *',
      run: syncCommits,
    },
    {
      name: 'ai_notes',
      description: 'Git AI authorship notes (refs/notes/ai) through the git data API',
      schedule: '40 1 * * *',
      run: syncAiNotes,
    },
    {
      name: 'delivery',
      description: 'Releases, deployments and workflow runs (DORA)',
      schedule: '45 1 * * *',
      run: syncDelivery,
    },
    {
      name: 'teams',
      description: 'Organisation teams and their members, as Sextant teams',
      schedule: '50 1 * * *',
      run: syncTeams,
    },
    {
      name: 'snapshots',
      kind: 'snapshot',
      description: 'Default-branch snapshots of monitored repositories',
      schedule: '0 3 * * *',
      run: downloadSnapshots,
    },
  ],
  webhooks: gitHubWebhooks,
  statusChecks: gitHubStatusChecks,
  lifecycle: gitHubLifecycle,
  routes(router) {
    router.get('/', showConnectPage, { name: 'connect' })
    router.post('/install', startInstall, {
      permission: 'integrations.manage',
      reauthenticate: true,
      name: 'install',
    })
    router.get('/setup', setupCallback, { permission: 'integrations.manage', name: 'setup' })
    // The URL the old system registered as the App's Setup URL.
    router.get('/settings/connect/github', setupCallback, {
      permission: 'integrations.manage',
      absolute: true,
      name: 'setup.legacy',
    })
    // GitHub's App manifest flow, for the server's administrators
    router.get('/app', (ctx) => showAppPage(ctx), { superuser: true, name: 'app' })
    router.post('/app/manifest', startAppCreation, {
      superuser: true,
      reauthenticate: true,
      name: 'app.manifest',
    })
    router.get('/app/created', finishAppCreation, { superuser: true, name: 'app.created' })
    router.post('/app/webhook-url', saveWebhookUrl, {
      superuser: true,
      reauthenticate: true,
      name: 'app.webhook_url',
    })
    router.get('/connections/:connection/repositories', repositoriesPage.show, {
      name: 'repositories',
    })
    router.post('/connections/:connection/repositories', repositoriesPage.saveSelection, {
      permission: 'integrations.manage',
      name: 'repositories.save',
    })
    router.post('/connections/:connection/download', repositoriesPage.requestDownload, {
      permission: 'integrations.manage',
      name: 'download',
    })
  },
  commands: [() => import('./commands/bench_github.js')],
  views: 'views',
  settingsPartial: 'github::settings',
  navigation: [{ label: 'GitHub App', path: '/integrations/github/app', area: 'admin' }],
})
