import cache from '@adonisjs/cache/services/main'
import db from '@adonisjs/lucid/services/db'

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

/**
 * Drops every cached fragment of one organisation, and moves its insights
 * generation so every process's in-memory page view models of it are
 * left behind at once.
 */
export async function invalidateInsights(organizationId: number) {
  await db.from('organizations').where('id', organizationId).increment('insights_generation', 1)
  await cache.deleteByTag({ tags: [insightsTag(organizationId)] })
}

/** drops every organisation's cached fragments (after a reference-data import) */
export async function invalidateAllInsights() {
  await db.from('organizations').increment('insights_generation', 1)
  await cache.deleteByTag({ tags: [REFERENCE_DATA_TAG] })
}

/**
 * How long a page view model stays in a process's memory at most. The
 * generation is what keeps it right (a rollup, a score run, a product
 * change move it); the bound is for what moves no generation: `node ace
 * cache:clear` run elsewhere, and the open work and agreements a view
 * model may include, which the fragments behind it also keep for up to
 * an hour.
 */
export const PAGE_VIEW_MODEL_TTL = '1m'

/**
 * A dashboard page's view model (everything it shows that is derived
 * from the organisation's insights), kept in this process's memory under
 * the organisation's id and insights generation and the page's
 * parameters (range, filters). The generation comes from the
 * organisation row read with the signed-in user on every request, so a
 * change made by any process is seen by the next request; another
 * organisation's key never matches, even one given the id of an
 * organisation deleted before it (the generation starts from a random
 * value: `Organization.startInsightsGeneration`). A page served from
 * here costs no statement and no deserialisation (the fragments' store
 * is the database: several reads and a JSON parse of the whole summary).
 */
export function pageViewModel<T>(
  organization: { id: number; insightsGeneration: number },
  page: string,
  parameters: Record<string, string | number | null | undefined>,
  factory: () => Promise<T>
): Promise<T> {
  return cache.use('pages').getOrSet({
    key: insightsCacheKey(organization.id, page, {
      ...parameters,
      generation: organization.insightsGeneration ?? 0,
    }),
    factory,
    ttl: PAGE_VIEW_MODEL_TTL,
  })
}
