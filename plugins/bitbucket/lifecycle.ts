import { randomBytes } from 'node:crypto'
import { HttpError, type LifecycleContext, type PluginLifecycle } from '#plugin-sdk'
import { BitbucketClient, repositoryPath } from './client.js'
import { workspaceOf } from './connect.js'
import { environment } from './environment.js'

/** what Sextant listens to */
export const WEBHOOK_EVENTS = [
  'pullrequest:created',
  'pullrequest:updated',
  'pullrequest:approved',
  'pullrequest:unapproved',
  'pullrequest:fulfilled',
  'pullrequest:rejected',
  'pullrequest:comment_created',
  'repo:push',
  'repo:commit_status_created',
  'repo:commit_status_updated',
]

type Registered = { subject: string; uuid: string }

const registered = (config: Record<string, unknown>) =>
  Array.isArray(config.webhooks) ? (config.webhooks as Registered[]) : []

const isStatus = (error: unknown, ...statuses: number[]) =>
  error instanceof HttpError && statuses.includes(error.status)

/**
 * On connect: one webhook on the workspace when the credential may
 * manage the workspace's webhooks, else one on each of its repositories,
 * all signed with a secret of this connection's (sealed with its
 * credentials; Bitbucket signs each delivery's body with it in
 * X-Hub-Signature). What was registered is kept in the connection's
 * config so a reconnect replaces it and a disconnect deletes it.
 */
async function onConnected({ connection, webhooks }: LifecycleContext) {
  const client = new BitbucketClient(await connection.client())
  await deleteRegistered(client, registered(connection.config))
  const secret = connection.credentials.webhookSecret || randomBytes(32).toString('hex')
  const url = environment.get('BITBUCKET_WEBHOOK_PROXY_URL') ?? (await webhooks.url())
  const body = { description: 'Sextant', url, active: true, secret, events: WEBHOOK_EVENTS }
  const workspace = workspaceOf(connection)
  const hooks: Registered[] = []
  const register = async (subject: string) => {
    // A reconnect replaces the config that named the old webhook: find it by its URL.
    for await (const hook of client.webhooks(subject)) {
      if (hook.url === url) await deleteRegistered(client, [{ subject, uuid: hook.uuid }])
    }
    const hook = await client.createWebhook(subject, body)
    hooks.push({ subject, uuid: hook.uuid })
  }
  try {
    await register(`/2.0/workspaces/${encodeURIComponent(workspace)}`)
  } catch (error) {
    // Not a workspace admin (or a token without that scope): hook each repository instead.
    if (!isStatus(error, 403, 404)) throw error
    for await (const page of client.repositories(workspace)) {
      for (const repository of page.items) {
        await register(`/2.0/repositories/${repositoryPath(repository.full_name)}`)
      }
    }
  }
  await connection.update({ credentials: { webhookSecret: secret }, config: { webhooks: hooks } })
}

/** On disconnect: delete the webhooks registered; one already gone counts as deleted. */
async function onDisconnecting({ connection }: LifecycleContext) {
  const client = new BitbucketClient(await connection.client())
  await deleteRegistered(client, registered(connection.config))
}

async function deleteRegistered(client: BitbucketClient, hooks: Registered[]) {
  for (const hook of hooks) {
    await client.deleteWebhook(hook.subject, hook.uuid).catch((error) => {
      if (!isStatus(error, 404)) throw error
    })
  }
}

export const lifecycle: PluginLifecycle = { onConnected, onDisconnecting }
