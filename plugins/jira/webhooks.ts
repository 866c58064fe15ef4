import { randomBytes } from 'node:crypto'
import {
  hmacSha256Matches,
  HttpError,
  type ConnectionHandle,
  type LifecycleContext,
  type PluginWebhooks,
  type WebhookContext,
} from '#plugin-sdk'
import { connectionClients, editionOf } from './client.js'
import { contributorOf, issueRow, mappingOf, type JiraIssue } from './sync/mappers.js'
import type { PlanningFields } from './sync/planning.js'
import { listProjects } from './sync/projects.js'
import { incidentJqlOf, matchesIncidentJql } from './sync/incident_jql.js'
import { environment } from './environment.js'
import { verifyBearerJwt } from './jwt.js'
import { EVENTS, jqlFilter, registerDynamic, stateOf } from './dynamic_webhooks.js'

/**
 * Jira's webhooks. Every connection has its own URL carrying an
 * unguessable token (Jira signs only admin webhooks saved with a secret).
 *
 * - OAuth 2.0 connections register **dynamic webhooks** through the REST
 *   API (POST /rest/api/3/webhook), filtered by JQL to the site's
 *   projects. Each delivery carries `Authorization: Bearer <JWT>`
 *   signed (HS256) with the app's client secret, checked before anything
 *   else. They expire after 30 days: the `webhooks` task extends
 *   them (PUT /rest/api/3/webhook/refresh) once they are 20 days old, and
 *   registers them again when Jira lacks one or it misses an event
 *   (dynamic_webhooks.ts).
 * - API-token connections register an **admin webhook**
 *   (/rest/webhooks/1.0/webhook) when the account is a Jira administrator:
 *   on Cloud with a secret, so each delivery must carry a valid
 *   X-Hub-Signature (HMAC-SHA256 of the body); on Data Center without
 *   one (the connection's URL token authenticates it). Without admin
 *   rights, the daily sync is all there is, and the connection's page
 *   says so.
 *
 * Deliveries are deduplicated by X-Atlassian-Webhook-Identifier and
 * handled from the queue; the incremental sync reconciles any missed.
 */

async function register(context: LifecycleContext) {
  const { connection } = context
  await unregister(connection)
  const http = await connection.client({ retries: { attempts: 2 } })
  const jira = await connectionClients(connection, http)
  const projects = await listProjects(jira, http, connection.baseUrl)
  const keys = projects.map((project) => project.key)
  const url = await context.webhooks.url()
  if (keys.length === 0) {
    await connection.update({ config: { webhooks: { kind: 'none', reason: 'no projects' } } })
    return
  }
  if (connection.config.cloudId) {
    await connection.update({ config: { webhooks: await registerDynamic(jira, url, keys) } })
    return
  }
  // Cloud signs admin webhooks saved with a secret (X-Hub-Signature); Data
  // Center's are authenticated by the connection's own URL alone
  const signed = editionOf(connection) === 'cloud'
  const secret = randomBytes(32).toString('hex')
  try {
    const created = await http.post<{ self?: string }>(
      `${connection.baseUrl.replace(/\/+$/, '')}/rest/webhooks/1.0/webhook`,
      {
        body: {
          name: 'Sextant',
          url,
          events: EVENTS,
          filters: { 'issue-related-events-section': jqlFilter(keys) },
          excludeBody: false,
          ...(signed ? { secret } : {}),
        },
      }
    )
    const id =
      String(created.data.self ?? '')
        .split('/')
        .pop() ?? ''
    await connection.update({
      config: { webhooks: { kind: 'admin', id, signed } },
      ...(signed ? { credentials: { webhookSecret: secret } } : {}),
    })
  } catch (error) {
    if (!(error instanceof HttpError) || (error.status !== 401 && error.status !== 403)) throw error
    await connection.update({
      config: {
        webhooks: {
          kind: 'none',
          reason:
            'Only a Jira administrator can register webhooks: changes arrive with the daily sync.',
        },
      },
    })
  }
}

/** deletes what the connection registered; "already gone" counts as done */
async function unregister(connection: ConnectionHandle) {
  const state = stateOf(connection)
  if (!state || state.kind === 'none') return
  const http = await connection.client({ retries: { attempts: 2 } })
  try {
    if (state.kind === 'dynamic' && state.ids.length > 0) {
      const jira = await connectionClients(connection, http)
      await jira.call(() => jira.v3.webhooks.deleteWebhookById({ webhookIds: state.ids }))
    } else if (state.kind === 'admin' && state.id) {
      await http.request(
        'DELETE',
        `${connection.baseUrl.replace(/\/+$/, '')}/rest/webhooks/1.0/webhook/${encodeURIComponent(state.id)}`
      )
    }
  } catch (error) {
    if (!(error instanceof HttpError && error.status === 404)) throw error
  }
}

export const lifecycle = {
  onConnected: register,
  async onDisconnecting({ connection }: LifecycleContext) {
    await unregister(connection)
  },
}

type IssuePayload = { webhookEvent?: string; timestamp?: number; issue?: JiraIssue }

async function writeIssue({ delivery, connection }: WebhookContext) {
  const payload = delivery.payload as IssuePayload
  if (!connection || !payload.issue?.fields) return
  const issue = payload.issue
  const people = [issue.fields.assignee, issue.fields.reporter]
    .map((user) => (user ? contributorOf(user, editionOf(connection)) : null))
    .filter((person) => person !== null)
  await connection.store.upsertContributors(people)
  // the delivery carries this change only: the stored history stays as the sync wrote it
  const row = issueRow(issue, [], {
    mapping: mappingOf(connection.config),
    browseUrl: String(connection.config.siteUrl ?? connection.baseUrl).replace(/\/+$/, ''),
    site: connection.accountKey,
    fields: (connection.config.fields ?? {}) as PlanningFields,
  })
  delete row.transitions
  const incidentJql = incidentJqlOf(connection.config)
  if (incidentJql && row.type !== 'incident') {
    // Jira runs the organisation's incident query for this one issue
    const matches = await matchesIncidentJql(
      await connectionClients(connection),
      incidentJql,
      issue.key
    )
    if (matches) row.type = 'incident'
  }
  await connection.store.upsertIssues([row])
}

/**
 * An issue deleted in Jira leaves the domain model with its status
 * history and links, in the delivery's own transaction: the removal and
 * the delivery's "processed" mark commit together, exactly once. Its
 * tombstone keeps the event's timestamp, so a jira:issue_updated of
 * before the deletion, handled after it, does not write the issue back;
 * one whose `updated` is later (the issue was restored) does.
 */
async function deleteIssue(context: WebhookContext) {
  const { delivery, connection } = context
  const payload = delivery.payload as IssuePayload
  if (!connection || !payload.issue?.id) return
  const stamped = typeof payload.timestamp === 'number' && Number.isFinite(payload.timestamp)
  await connection.store.deleteIssues([`${connection.accountKey}:${payload.issue.id}`], {
    transaction: await context.transaction(),
    deletedAt: stamped ? new Date(payload.timestamp!) : delivery.receivedAt,
  })
}

export const jiraWebhooks: PluginWebhooks = {
  authentication: 'url-token',
  verify(request) {
    const connection = request.connection
    if (!connection) return { ok: false, status: 401, reason: 'unknown connection' }
    // dynamic webhooks of an OAuth 2.0 app carry a JWT signed with the app's client secret
    if (connection.config.cloudId) {
      const jwt = verifyBearerJwt(
        request.headers.authorization,
        environment.get('JIRA_OAUTH_CONSUMER_SECRET')
      )
      if (!jwt.ok) return { ok: false, status: 401, reason: jwt.reason }
    }
    const secret = connection.credentials.webhookSecret
    if (
      secret &&
      !hmacSha256Matches(secret, request.rawBody, request.headers['x-hub-signature'], 'sha256=')
    ) {
      return { ok: false, status: 401, reason: 'bad signature' }
    }
    const payload = request.body as IssuePayload | undefined
    if (!payload || typeof payload.webhookEvent !== 'string') {
      return { ok: false, status: 400, reason: 'not a Jira webhook' }
    }
    return {
      ok: true,
      deliveryId: request.headers['x-atlassian-webhook-identifier'] ?? null,
      event: payload.webhookEvent,
    }
  },
  handlers: {
    'jira:issue_created': writeIssue,
    'jira:issue_updated': writeIssue,
    'jira:issue_deleted': deleteIssue,
  },
}
