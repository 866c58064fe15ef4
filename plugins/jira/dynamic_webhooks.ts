import { HttpError, type ConnectionHandle, type SyncContext } from '#plugin-sdk'
import { connectionClients, type JiraClients } from './client.js'
import { listProjects } from './sync/projects.js'

/**
 * The dynamic webhooks an OAuth 2.0 app registers on a Jira Cloud site
 * (POST /rest/api/3/webhook), and their upkeep by the daily `webhooks`
 * task: a webhook Jira no longer lists, or one registered for fewer
 * events than Sextant handles now (jira:issue_deleted came later), is
 * registered again with every event and the old one deleted; the others
 * are extended (PUT /rest/api/3/webhook/refresh) once fewer than 10 of
 * their 30 days remain.
 */

export const EVENTS = ['jira:issue_created', 'jira:issue_updated', 'jira:issue_deleted']
export const DAY = 86_400_000
/** dynamic webhooks live 30 days; extend them with 10 days to spare */
const EXTEND_WITHIN_MS = 10 * DAY

export type WebhookState =
  | { kind: 'dynamic'; ids: number[]; expiresAt: string }
  | { kind: 'admin'; id: string; signed?: boolean }
  | { kind: 'none'; reason: string }

export function stateOf(connection: ConnectionHandle): WebhookState | null {
  return (connection.config.webhooks as WebhookState | undefined) ?? null
}

export function jqlFilter(keys: string[]) {
  return `project in (${keys.map((key) => `"${key}"`).join(', ')})`
}

/** registers one webhook for every event on the projects; its state to keep on the connection */
export async function registerDynamic(
  jira: JiraClients,
  url: string,
  keys: string[]
): Promise<WebhookState> {
  const answer = await jira.call(() =>
    jira.v3.webhooks.registerDynamicWebhooks({
      url,
      webhooks: [{ events: EVENTS as never, jqlFilter: jqlFilter(keys) }],
    })
  )
  const ids = (answer.webhookRegistrationResult ?? [])
    .map((result) => result.createdWebhookId)
    .filter((id): id is number => typeof id === 'number')
  return { kind: 'dynamic', ids, expiresAt: new Date(Date.now() + 30 * DAY).toISOString() }
}

type RegisteredWebhook = { id: number; events: string[] }

/** GET /rest/api/3/webhook, every page: the webhooks this app registered on the site */
async function registeredWebhooks(jira: JiraClients): Promise<RegisteredWebhook[]> {
  const found: RegisteredWebhook[] = []
  for (let startAt = 0; ;) {
    const page = await jira.call(() =>
      jira.v3.webhooks.getDynamicWebhooksForApp({ startAt, maxResults: 100 })
    )
    const values = page.values ?? []
    for (const hook of values) found.push({ id: hook.id, events: hook.events ?? [] })
    if (page.isLast !== false || values.length === 0) return found
    startAt += values.length
  }
}

function handlesEveryEvent(hook: RegisteredWebhook) {
  return EVENTS.every((event) => hook.events.includes(event))
}

/** the `webhooks` task */
export async function maintainWebhooks(context: SyncContext) {
  const state = stateOf(context.connection)
  if (state?.kind !== 'dynamic' || state.ids.length === 0) return
  const jira = await connectionClients(context.connection, context.http)
  const registered = await registeredWebhooks(jira)
  const ours = registered.filter((hook) => state.ids.includes(hook.id))
  if (ours.length < state.ids.length || !ours.every(handlesEveryEvent)) {
    await registerAgain(context, jira, ours)
    return
  }
  if (Date.parse(state.expiresAt) - Date.now() > EXTEND_WITHIN_MS) return
  const answer = await jira.call(() => jira.v3.webhooks.refreshWebhooks({ webhookIds: state.ids }))
  const expiresAt = new Date(answer.expirationDate ?? Date.now() + 30 * DAY).toISOString()
  await context.connection.update({ config: { webhooks: { ...state, expiresAt } } })
  await context.progress(state.ids.length, state.ids.length, 'webhooks extended')
}

/**
 * The new webhook is registered (and kept on the connection) before the
 * old ones are deleted, so no change goes unsent meanwhile.
 */
async function registerAgain(
  context: SyncContext,
  jira: JiraClients,
  stillThere: RegisteredWebhook[]
) {
  const { connection } = context
  const projects = await listProjects(jira, context.http, connection.baseUrl)
  if (projects.length === 0) return
  const state = await registerDynamic(
    jira,
    await context.webhooks.url(),
    projects.map((project) => project.key)
  )
  await connection.update({ config: { webhooks: state } })
  const old = stillThere.map((hook) => hook.id)
  if (old.length > 0) {
    try {
      await jira.call(() => jira.v3.webhooks.deleteWebhookById({ webhookIds: old }))
    } catch (error) {
      if (!(error instanceof HttpError && error.status === 404)) throw error
    }
  }
  await context.progress(1, 1, 'webhooks registered again with every event')
}
