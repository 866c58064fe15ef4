import cache from '@adonisjs/cache/services/main'

/**
 * Dashboard fragments are cached per organisation under one tag, so a
 * sync or a score run drops all of that organisation's fragments at once
 * and nothing of another organisation.
 */
/**
 * Tag of fragments built from shared reference data (jurisdictions,
 * standards, reference metrics): an import changes every organisation's
 * pages.
 */
export const REFERENCE_DATA_TAG = 'insights:reference'

export function insightsTag(organizationId: number) {
  return `insights:org:${organizationId}`
}

/**
 * A stable key for one fragment of one organisation and its parameters
 * (date range, product, filters), parameters in name order.
 */
export function insightsCacheKey(
  organizationId: number,
  fragment: string,
  parameters: Record<string, string | number | null | undefined> = {}
) {
  const parts = Object.keys(parameters)
    .sort()
    .filter((name) => parameters[name] !== undefined && parameters[name] !== null)
    .map((name) => `${name}=${encodeURIComponent(String(parameters[name]))}`)
  return `insights:${organizationId}:${fragment}${parts.length ? `:${parts.join('&')}` : ''}`
}

/** a fragment from the cache, computed by `factory` (JSON-serialisable) when missing */
export function cachedInsight<T>(
  organizationId: number,
  fragment: string,
  parameters: Record<string, string | number | null | undefined>,
  factory: () => Promise<T>,
  ttl: string = '1h'
): Promise<T> {
  return cache.getOrSet({
    key: insightsCacheKey(organizationId, fragment, parameters),
    factory,
    ttl,
    tags: [insightsTag(organizationId), REFERENCE_DATA_TAG],
  })
}

/**
 * The lock that serialises writes of one organisation's derived data
 * (rollup, score points), which are delete-then-insert transactions.
 */
export function insightsWriteLock(organizationId: number) {
  return `insights:write:${organizationId}`
}

/** drops every cached fragment of one organisation */
export async function invalidateInsights(organizationId: number) {
  await cache.deleteByTag({ tags: [insightsTag(organizationId)] })
}

/** drops every organisation's cached fragments (after a reference-data import) */
export async function invalidateAllInsights() {
  await cache.deleteByTag({ tags: [REFERENCE_DATA_TAG] })
}
