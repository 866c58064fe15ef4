import { definePlugin } from '#plugin-sdk'
import { connectFields, connectValidator, testConnection } from './connect.js'
import { populateDemoData } from './demo.js'
import { environment } from './environment.js'
import { connectOrganizations, showOrganizations } from './pages/organizations_page.js'
import { saveSla, showSla } from './pages/sla_page.js'
import { slaEvidence } from './sla.js'
import { syncVulnerabilities } from './sync/vulnerabilities.js'
import { registerWebhook, removeWebhook, snykWebhooks } from './webhooks.js'

/**
 * Snyk: the projects and issues of each connected Snyk organisation,
 * attached to the repositories any code provider knows, feeding the
 * vulnerability charts, the score and the remediation-SLA evidence.
 * Snyk has no maintained JavaScript client for its REST API; the plugin
 * uses the platform's HTTP client (client.ts).
 */
export default definePlugin({
  id: 'snyk',
  name: 'Snyk',
  description:
    'Vulnerabilities, code, licence and configuration issues of every Snyk project, attached to its repository whichever host it lives on.',
  category: 'security',
  version: '1.0.0',
  settings: environment,
  demo: populateDemoData,
  organizationTables: [
    { table: 'snyk_projects' },
    { table: 'snyk_issues' },
    { table: 'snyk_remediation_slas' },
  ],
  permissions: {
    'snyk.sla.manage': {
      description: 'Change the remediation SLA (days to fix per severity)',
      grantedFrom: 'admin',
    },
  },
  // the remediation-SLA controls on Compliance Detail
  evidence: slaEvidence,
  connection: {
    auth: { kind: 'token' },
    fields: connectFields,
    validator: connectValidator,
    baseUrl: {
      // read on use, so an operator's SNYK_API_URL (or a test's) is seen at once
      get default() {
        return environment.get('SNYK_API_URL')
      },
      label: 'Region or API URL',
      help: 'Empty for the US region (api.snyk.io). EU: https://api.eu.snyk.io, Australia: https://api.au.snyk.io, or your own Snyk host.',
    },
    requestHeaders: (connection) => ({
      authorization: `token ${connection.credentials.token}`,
      accept: 'application/vnd.api+json',
    }),
    accountKey: ({ config }) => String(config.organization).toLowerCase(),
    test: testConnection,
  },
  sync: [
    {
      name: 'vulnerabilities',
      description: 'Projects and their issues (incremental by updated_after)',
      schedule: '0 3 * * *',
      run: syncVulnerabilities,
    },
  ],
  webhooks: snykWebhooks,
  lifecycle: { onConnected: registerWebhook, onDisconnecting: removeWebhook },
  routes(router) {
    router.get('/sla', showSla, { name: 'sla' })
    router.post('/sla', saveSla, { permission: 'snyk.sla.manage', name: 'sla.save' })
    router.get('/connections/:connection/organizations', showOrganizations, {
      permission: 'integrations.manage',
      name: 'organizations',
    })
    router.post('/connections/:connection/organizations', connectOrganizations, {
      permission: 'integrations.manage',
      reauthenticate: true,
      name: 'organizations.connect',
    })
  },
  views: 'views',
  commands: [() => import('./commands/bench_snyk.js')],
  settingsPartial: 'snyk::settings',
})
