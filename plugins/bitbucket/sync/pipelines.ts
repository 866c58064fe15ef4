import type { StoredRepository, SyncContext } from '#plugin-sdk'
import { BitbucketClient } from '../client.js'
import { environment, webUrl } from '../environment.js'
import { pipelineInput } from './mappers.js'
import { eachMonitoredRepository } from '#plugin-sdk'

/**
 * Pipelines runs of each monitored repository, newest first, as CI
 * builds of the commits they ran on (DORA's change failure rate and
 * lead time read them). A run still going is written as in progress
 * and rewritten once it completes: the cursor is the oldest run that
 * was not finished yet, else the newest run seen.
 */
export async function syncPipelines(context: SyncContext) {
  const client = new BitbucketClient(context.http)
  const horizon = Date.now() - environment.get('BITBUCKET_HISTORY_DAYS') * 86_400_000
  await eachMonitoredRepository(context, { parallel: 4 }, (repository) =>
    syncRepository(context, client, repository, horizon)
  )
}

async function syncRepository(
  context: SyncContext,
  client: BitbucketClient,
  repository: StoredRepository,
  horizon: number
) {
  const scope = `pipelines:${repository.externalId}`
  const cursor = context.full ? null : await context.cursors.get(scope)
  const stopAt = Math.max(horizon, cursor ? Date.parse(cursor) : 0)
  const htmlUrl = `${webUrl()}/${repository.fullName}`
  let newest: string | null = null
  let oldestRunning: string | null = null
  for await (const page of client.pipelines(repository.fullName)) {
    const fresh = page.items.filter((run) => Date.parse(run.created_on) >= stopAt)
    newest ??= fresh[0]?.created_on ?? null
    for (const run of fresh) if (run.state.name !== 'COMPLETED') oldestRunning = run.created_on
    await context.store.upsertDeployments(
      fresh.map((run) => pipelineInput(repository.externalId, run, htmlUrl))
    )
    if (fresh.length < page.items.length) break
  }
  const next = oldestRunning ?? newest
  if (next) await context.cursors.set(scope, next)
}
