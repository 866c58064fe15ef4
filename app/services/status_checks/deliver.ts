import db from '@adonisjs/lucid/services/db'
import lock from '@adonisjs/lock/services/main'
import Connection from '#models/connection'
import { sqlTime } from '#services/sql'
import { pluginRegistry } from '#services/plugins/registry'
import { connectionHandle } from '#services/plugins/connection_handle'
import type {
  PostedStatusCheck,
  StatusCheckReport,
  StatusCheckTarget,
} from '#plugin-sdk/status_checks'

export const STATUS_CHECK_POSTS = 'status_check_posts'

/** why a pull request's repository cannot take a status check */
export class StatusCheckUnsupported extends Error {}

type PostRow = Record<string, any>

/**
 * The connection hosting a pull request's repository and its plugin's
 * status checks; StatusCheckUnsupported when there is none (the
 * repository's connection went away, or its provider posts no statuses).
 */
export async function hostOf(organizationId: number, repositoryId: number) {
  const repository = await db
    .from('repositories')
    .where('organization_id', organizationId)
    .where('id', repositoryId)
    .first()
  if (!repository) throw new StatusCheckUnsupported('the repository is not in this organisation')
  const connection = repository.connection_id
    ? await Connection.query()
        .where('organization_id', organizationId)
        .where('id', repository.connection_id)
        .first()
    : null
  if (!connection || connection.status !== 'active') {
    throw new StatusCheckUnsupported(`no active connection hosts ${repository.full_name}`)
  }
  const plugin = pluginRegistry.get(connection.pluginId)
  const statusChecks = plugin?.definition.statusChecks
  if (!plugin || !statusChecks) {
    const name = plugin?.definition.name ?? connection.pluginId
    throw new StatusCheckUnsupported(`${name} does not support status checks`)
  }
  const reason = statusChecks.unsupportedReason?.(connectionHandle(connection, plugin))
  if (reason) throw new StatusCheckUnsupported(reason)
  return { repository, connection, plugin, statusChecks }
}

/**
 * Posts the row's latest report through the connection hosting its pull
 * request and records the outcome on the row: posted (with the provider's
 * id, so the next post of this key on this commit updates it) or failed
 * (the error, shown on the connection's page). Throws what the provider
 * threw.
 *
 * Posts of one row run one at a time (a lock): a queued retry and a newer
 * state of the same check never both create a status on the provider;
 * the second one reads the id the first stored and updates it.
 */
export async function deliverPost(rowId: number): Promise<PostedStatusCheck> {
  const [acquired, posted] = await lock
    .createLock(`status-check:${rowId}`, '2m')
    .run(async () =>
      deliverLocked(await db.from(STATUS_CHECK_POSTS).where('id', rowId).firstOrFail())
    )
  if (acquired) return posted
  const message = 'another post of this status check did not finish in time'
  await db
    .from(STATUS_CHECK_POSTS)
    .where('id', rowId)
    .update({ status: 'failed', last_error: message, updated_at: sqlTime() })
  throw new Error(message)
}

async function deliverLocked(row: PostRow): Promise<PostedStatusCheck> {
  const pull = await db
    .from('pull_requests')
    .where('organization_id', row.organization_id)
    .where('id', row.pull_request_id)
    .firstOrFail()
  let connectionId: number | null = row.connection_id ?? null
  try {
    const host = await hostOf(Number(row.organization_id), Number(pull.repository_id))
    connectionId = host.connection.id
    const report = JSON.parse(row.report) as StatusCheckReport
    const target: StatusCheckTarget = {
      repositoryExternalId: String(host.repository.external_id),
      repositoryFullName: String(host.repository.full_name),
      pullRequestExternalId: String(pull.external_id),
      pullRequestNumber: Number(pull.number),
      headSha: String(row.head_sha),
      ...(row.external_id
        ? { existing: { externalId: String(row.external_id), url: row.url ?? undefined } }
        : {}),
    }
    const posted = await host.statusChecks.post(
      connectionHandle(host.connection, host.plugin),
      target,
      report
    )
    // a newer head commit recorded meanwhile starts its own status: keep its row as it is
    await db
      .from(STATUS_CHECK_POSTS)
      .where('id', row.id)
      .where('head_sha', row.head_sha)
      .update({
        status: 'posted',
        connection_id: connectionId,
        external_id: posted.externalId ?? row.external_id ?? null,
        url: posted.url ?? row.url ?? null,
        last_error: null,
        posted_at: sqlTime(),
        updated_at: sqlTime(),
      })
    return posted
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    await db
      .from(STATUS_CHECK_POSTS)
      .where('id', row.id)
      .update({
        status: 'failed',
        connection_id: connectionId,
        last_error: message.slice(0, 2000),
        updated_at: sqlTime(),
      })
    throw error
  }
}
