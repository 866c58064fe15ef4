import type { RepositoryInput, SyncContext, SyncTask } from '#plugin-sdk'
import { DevxProbeAd05e5Client, type DevxProbeAd05e5Repository } from '../client.js'

/** The cursor holds the newest `updated_at` written by the last complete run. */
const CURSOR_SCOPE = 'repositories'

/**
 * Maps the API's repository onto Sextant's domain model.
 * CHANGE: map your API's fields; externalId must be stable and unique.
 */
export function toRepositoryInput(repository: DevxProbeAd05e5Repository): RepositoryInput {
  return {
    externalId: String(repository.id),
    name: repository.name,
    fullName: repository.full_name,
    url: repository.html_url,
    defaultBranch: repository.default_branch,
    isPrivate: repository.private,
    isArchived: repository.archived,
    language: repository.language,
    remoteUpdatedAt: repository.updated_at,
  }
}

/**
 * Incremental sync: the API lists repositories most recently updated
 * first, so the run stops at the first one older than the cursor. Page 1
 * is a conditional request: when nothing changed the provider answers
 * 304 (cheap on most rate limits) and the cached page still ends the loop
 * at the cursor. A --full run has no cursor and reads everything.
 */
export async function syncRepositories(context: SyncContext) {
  const client = new DevxProbeAd05e5Client(context.http)
  const cursor = await context.cursors.get(CURSOR_SCOPE)
  const since = cursor === null ? null : Date.parse(cursor)
  let newest: string | null = null
  let written = 0

  for await (const page of client.repositoriesByUpdatedDesc()) {
    newest ??= page.data[0]?.updated_at ?? null
    // Items updated in the cursor's own second are written again: upserts
    // are idempotent, and a change made in that second is not lost.
    const changed =
      since === null
        ? page.data
        : page.data.filter((repository) => Date.parse(repository.updated_at) >= since)
    written += await context.store.upsertRepositories(changed.map(toRepositoryInput))
    await context.progress(written, null, 'repositories')
    if (changed.length < page.data.length) break
  }

  // Only now is every change up to `newest` written. A run killed above
  // keeps the previous cursor, so the next run reads those pages again.
  if (newest !== null) await context.cursors.set(CURSOR_SCOPE, newest)
}

export const repositoriesTask: SyncTask = {
  name: 'repositories',
  description: 'Repositories of the Devx Probe Ad05e5 account',
  // CHANGE: when it runs (node-cron syntax); `node ace fetch:data devx-probe-ad05e5` runs it now.
  schedule: '15 2 * * *',
  run: syncRepositories,
}
