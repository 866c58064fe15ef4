import { createHash } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { sqlTime } from '#services/sql'

/**
 * What is kept of a response so a later 304 Not Modified can be answered
 * locally: the validators to send back, and the body and headers to
 * replay.
 */
export type CachedResponse = {
  etag: string | null
  lastModified: string | null
  status: number
  headers: Record<string, string>
  body: string
}

export interface ConditionalCache {
  get(key: string): Promise<CachedResponse | null>
  put(key: string, value: CachedResponse): Promise<void>
}

/**
 * The cache key of one request. The credential fingerprint is part of it
 * so a response fetched with one token (which may see private data) is
 * never replayed to a client holding another.
 */
export function cacheKey(fingerprint: string, method: string, url: string): string {
  return createHash('sha256')
    .update(`${fingerprint}\n${method.toUpperCase()}\n${url}`)
    .digest('hex')
}

/**
 * The conditional cache kept in the `http_cache` table, shared by every
 * worker process. Rows belong to a connection (when given) so they go
 * away with it.
 */
export class DatabaseConditionalCache implements ConditionalCache {
  readonly #connectionId: number | null

  constructor(options: { connectionId?: number | null } = {}) {
    this.#connectionId = options.connectionId ?? null
  }

  async get(key: string): Promise<CachedResponse | null> {
    const row = await db.from('http_cache').where('cache_key', key).first()
    if (!row) return null
    return {
      etag: row.etag ?? null,
      lastModified: row.last_modified ?? null,
      status: Number(row.status),
      headers: parseHeaders(row.headers),
      body: row.body,
    }
  }

  async put(key: string, value: CachedResponse): Promise<void> {
    await db
      .connection()
      .getWriteClient()
      .table('http_cache')
      .insert({
        cache_key: key,
        connection_id: this.#connectionId,
        etag: value.etag,
        last_modified: value.lastModified,
        status: value.status,
        headers: JSON.stringify(value.headers),
        body: value.body,
        stored_at: sqlTime(),
      })
      .onConflict('cache_key')
      .merge()
  }
}

/**
 * A rebuilt cache row must never break a sync: unreadable headers are
 * treated as none (the body is still valid).
 */
function parseHeaders(raw: unknown): Record<string, string> {
  if (typeof raw !== 'string') return {}
  try {
    const parsed = JSON.parse(raw)
    return parsed && typeof parsed === 'object' ? parsed : {}
  } catch {
    return {}
  }
}

/**
 * An in-process cache for tests and one-off scripts. It holds at most
 * `maxEntries` responses, dropping the least recently used, so a long
 * crawl cannot grow it without bound.
 */
export class MemoryConditionalCache implements ConditionalCache {
  readonly #entries = new Map<string, CachedResponse>()
  readonly #maxEntries: number

  constructor(options: { maxEntries?: number } = {}) {
    this.#maxEntries = Math.max(1, options.maxEntries ?? 1000)
  }

  async get(key: string): Promise<CachedResponse | null> {
    const entry = this.#entries.get(key)
    if (!entry) return null
    // Re-inserting moves the key to the end: Map order is the LRU order.
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    return structuredClone(entry)
  }

  async put(key: string, value: CachedResponse): Promise<void> {
    this.#entries.delete(key)
    this.#entries.set(key, structuredClone(value))
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string
      this.#entries.delete(oldest)
    }
  }
}
