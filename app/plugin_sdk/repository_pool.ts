import type { StoredRepository } from '#plugin-sdk/domain'
import type { SyncContext } from '#plugin-sdk/types'

/**
 * Runs `work` over the items with at most `limit` in flight: repositories
 * sync side by side while the HTTP client's own cap bounds the requests.
 */
export async function eachWithLimit<T>(
  items: T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>
) {
  let next = 0
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++
      await work(items[index], index)
    }
  })
  await Promise.all(workers)
}

/**
 * Runs `work` on each monitored repository of the connection (those the
 * filter keeps), `parallel` at a time, reporting progress. Every
 * repository is tried even when some fail; the failures are then
 * reported together, so one broken repository does not hide the rest.
 */
export async function eachMonitoredRepository(
  context: SyncContext,
  options: { parallel: number; filter?: (repository: StoredRepository) => boolean },
  work: (repository: StoredRepository) => Promise<void>
) {
  const monitored = await context.store.repositories({ monitoredOnly: true })
  const repositories = options.filter ? monitored.filter(options.filter) : monitored
  const failures: string[] = []
  let done = 0
  await eachWithLimit(repositories, options.parallel, async (repository) => {
    try {
      await work(repository)
    } catch (error) {
      failures.push(`${repository.fullName}: ${(error as Error).message}`)
    }
    await context.progress(++done, repositories.length, repository.fullName)
  })
  if (failures.length > 0) {
    const shown = failures.slice(0, 3).join('; ')
    const more = failures.length > 3 ? ` (and ${failures.length - 3} more)` : ''
    throw new Error(`${failures.length} repositories failed: ${shown}${more}`)
  }
}
