import { definePlugin, vine } from '#plugin-sdk'
import { accountKeyOf, SCOPES_HELP, testConnection } from './connect.js'
import { authorizationOf } from './client.js'
import { entraAuth } from './entra.js'
import { environment } from './environment.js'
import { syncDelivery } from './sync/delivery.js'
import { guarded } from './sync/guard.js'
import { syncPullRequests } from './sync/pull_requests.js'
import { syncRepositories } from './sync/repositories.js'
import { syncWorkItems } from './sync/work_items.js'
import { syncTeams } from './sync/teams.js'
import { syncCommits } from './sync/commits.js'
import { syncAiNotes } from './sync/ai_notes.js'
import { downloadSnapshots } from './sync/snapshots.js'
import { populateDemoData } from './demo.js'
import { repositoriesPage } from './repositories_page.js'
import { registerServiceHooks, removeServiceHooks, serviceHookWebhooks } from './service_hooks.js'
import { azureStatusChecks } from './status_checks.js'

/**
 * Azure DevOps Services and Server: repositories, pull requests,
 * pipeline runs and release deployments, through a personal access
 * token and the organisation (or collection) URL.
 */
export default definePlugin({
  id: 'azure_devops',
  name: 'Azure DevOps',
  description:
    'Repositories, pull requests, pipeline runs and release deployments from Azure DevOps Services or Server.',
  category: 'code',
  version: '1.0.0',
  settings: environment,
  demo: populateDemoData,
  commands: [() => import('./commands/bench_azure_devops.js')],
  connection: {
    methods: [
      {
        id: 'pat',
        label: 'Personal access token',
        help: 'A token and the organisation URL (Azure DevOps Services or Server)',
        auth: { kind: 'token' },
        fields: [
          {
            name: 'token',
            label: 'Personal access token',
            type: 'password',
            secret: true,
            required: true,
            help: SCOPES_HELP,
          },
          {
            name: 'tokenExpiresOn',
            label: 'Token expires on (optional)',
            placeholder: 'YYYY-MM-DD',
            help: 'The expiration date you chose for the token. Azure DevOps does not tell it to the token itself; Sextant warns 14 days before.',
          },
          {
            name: 'hookPassword',
            label: 'Service hook password (optional)',
            type: 'password',
            secret: true,
            help: 'Only for service hooks made by hand to /api/webhook-azure-devops/ (at least 24 characters). Empty: Sextant makes its own hooks with a password it generates.',
          },
        ],
        validator: vine.create({
          token: vine.string().trim().minLength(20).maxLength(200),
          tokenExpiresOn: vine
            .string()
            .trim()
            .regex(/^20\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/)
            .optional(),
          hookPassword: vine.string().trim().minLength(24).maxLength(200).optional(),
        }),
      },
      {
        id: 'entra',
        label: 'Microsoft Entra ID',
        help: 'Sign in with Microsoft and pick the organisations to connect (for organisations that disable personal access tokens)',
        auth: entraAuth,
      },
    ],
    baseUrl: {
      default: 'https://dev.azure.com',
      label: 'Organisation URL',
      help: 'https://dev.azure.com/{organisation}, or the collection URL of your Azure DevOps Server.',
    },
    accountKey: ({ baseUrl }) => accountKeyOf(baseUrl),
    requestHeaders: async (connection) => ({
      authorization: await authorizationOf(connection),
      accept: 'application/json',
    }),
    test: testConnection,
  },
  webhooks: serviceHookWebhooks,
  lifecycle: { onConnected: registerServiceHooks, onDisconnecting: removeServiceHooks },
  statusChecks: azureStatusChecks,
  sync: [
    {
      name: 'repositories',
      description: 'Projects and their Git repositories',
      schedule: '0 1 * * *',
      run: guarded(syncRepositories, 'Code (read)'),
    },
    {
      name: 'pull_requests',
      description: 'Pull requests with reviewers and votes, opened, closed and completed dates',
      schedule: '15 1 * * *',
      run: guarded(syncPullRequests, 'Code (read)'),
    },
    {
      name: 'commits',
      description: 'Commits on default branches, with AI-assistance trailers',
      schedule: '30 1 * * *',
      run: guarded(syncCommits, 'Code (read)'),
    },
    {
      name: 'ai_notes',
      description: 'Git AI authorship notes (refs/notes/ai): which lines coding agents wrote',
      schedule: '40 1 * * *',
      run: guarded(syncAiNotes, 'Code (read)'),
    },
    {
      name: 'delivery',
      description: 'Pipeline runs and classic release deployments (DORA)',
      schedule: '45 1 * * *',
      run: guarded(syncDelivery, 'Build (read) or Release (read)'),
    },
    {
      name: 'work_items',
      description: 'Work items (bugs, incidents, stories) as issues',
      schedule: '30 1 * * *',
      run: guarded(syncWorkItems, 'Work items (read)'),
    },
    {
      name: 'teams',
      description: "Every project's teams and their members, as Sextant teams",
      schedule: '50 1 * * *',
      run: syncTeams,
    },
    {
      name: 'snapshots',
      kind: 'snapshot',
      description: 'Default-branch snapshots of monitored repositories (zip)',
      schedule: '0 3 * * *',
      run: guarded(downloadSnapshots, 'Code (read)'),
    },
  ],
  routes(router) {
    // The settings page of the system Sextant replaces.
    router.get(
      '/settings/connect/azure_devops',
      ({ response }) => response.redirect('/settings/connections#plugin-azure_devops'),
      { absolute: true, name: 'connect.legacy' }
    )
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
  views: 'views',
  settingsPartial: 'azure_devops::settings',
})
