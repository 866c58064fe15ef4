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

/** Runs every task even when some fail, then reports the failures together. */
export async function eachCollectingFailures<T>(
  items: T[],
  limit: number,
  describe: (item: T) => string,
  work: (item: T) => Promise<void>
) {
  const failures: string[] = []
  await eachWithLimit(items, limit, async (item) => {
    try {
      await work(item)
    } catch (error) {
      failures.push(`${describe(item)}: ${(error as Error).message}`)
    }
  })
  if (failures.length > 0) {
    const shown = failures.slice(0, 3).join('; ')
    const more = failures.length > 3 ? ` (and ${failures.length - 3} more)` : ''
    throw new Error(`${failures.length} repositories failed: ${shown}${more}`)
  }
}
