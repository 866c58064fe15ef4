import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type Connection from '#models/connection'
import { queueOnConnected } from '#actions/plugins/queue_plugin_hook'
import { pluginRegistry } from '#services/plugins/registry'
import { processQueueUntil } from '#tests/helpers/queue'
import { CLIENT } from './fake_jira/server.js'
import { deliveryJwt } from './fake_jira/webhooks.js'
import { issueJson } from './fake_jira/issues.js'
import type { FakeIssue, FakeSite } from './fake_jira/state.js'

/** webhook deliveries as Jira Cloud sends them, for the webhook specs */

export async function hookSucceeded(connection: Connection, hook: 'connected' | 'disconnecting') {
  await processQueueUntil(async () => {
    const run = await db
      .from('plugin_hook_runs')
      .where({ hook, plugin_id: 'jira' })
      .orderBy('id', 'desc')
      .first()
    return run?.status === 'succeeded'
  })
  await connection.refresh().catch(() => {})
}

export async function connected(connection: Connection) {
  await queueOnConnected(connection, pluginRegistry.require('jira'))
  await hookSucceeded(connection, 'connected')
}

export function deliver(
  url: string,
  site: FakeSite,
  issue: FakeIssue,
  headers: Record<string, string> = {},
  event = 'jira:issue_updated',
  timestamp = Date.now()
) {
  const body = JSON.stringify({
    timestamp,
    webhookEvent: event,
    issue_event_type_name: event === 'jira:issue_deleted' ? 'issue_deleted' : 'issue_generic',
    issue: issueJson(site, issue, true, []),
    changelog: { id: '1', items: [{ field: 'status', fromString: 'To Do', toString: 'Done' }] },
  })
  return {
    body,
    send: (extra: Record<string, string> = {}) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-atlassian-webhook-identifier': randomUUID(),
          ...headers,
          ...extra,
        },
        body,
      }),
  }
}

/** what Jira Cloud signs a dynamic webhook's delivery with: a JWT under the OAuth app's client secret */
export const signedByJira = () => ({ authorization: `Bearer ${deliveryJwt(CLIENT.secret)}` })
