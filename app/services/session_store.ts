import { MessageBuilder } from '@adonisjs/core/helpers'
import string from '@adonisjs/core/helpers/string'
import { configProvider } from '@adonisjs/core'
import { stores } from '@adonisjs/session'
import type { SessionData, SessionStoreContract } from '@adonisjs/session/types'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'

/**
 * A session row is refreshed at most this often by requests that change
 * nothing in it (its expiry moves with activity, a minute at a time).
 */
export const SESSION_TOUCH_INTERVAL_MS = 60_000

type Store = SessionStoreContract & {
  tag(sessionId: string, userId: string): Promise<void>
  untag(sessionId: string, userId: string): Promise<void>
  tagged(userId: string): Promise<{ id: string; data: SessionData }[]>
}

/**
 * The database session store, minus the write on every request: the
 * framework's store moves `expires_at` forward on each request that left
 * the session unchanged (an UPDATE per page view); this one skips it when
 * the row read at the start of the same request was refreshed less than
 * a minute ago. A session therefore expires on time or up to a minute
 * early, never late. Everything else is the framework's store.
 */
class ThrottledDatabaseStore implements SessionStoreContract {
  #inner: Store
  #client: QueryClientContract
  #ttlMs: number
  #tableName: string
  /** expires_at of the row this request read, by session id */
  #readExpiry = new Map<string, number>()

  constructor(inner: Store, client: QueryClientContract, age: string | number, tableName: string) {
    this.#inner = inner
    this.#client = client
    this.#ttlMs = string.seconds.parse(age) * 1000
    this.#tableName = tableName
  }

  async read(sessionId: string): Promise<SessionData | null> {
    const row = await this.#client
      .from(this.#tableName)
      .select('data', 'expires_at')
      .where('id', sessionId)
      .first()
    if (!row) return null
    const expiresAt = new Date(row.expires_at).getTime()
    if (Date.now() > expiresAt) {
      await this.#inner.destroy(sessionId)
      return null
    }
    this.#readExpiry.set(sessionId, expiresAt)
    try {
      return new MessageBuilder().verify(row.data, sessionId)
    } catch {
      return null
    }
  }

  async touch(sessionId: string) {
    const expiresAt = this.#readExpiry.get(sessionId)
    // refreshed within the last minute: its expiry is at most a minute short
    if (expiresAt !== undefined && expiresAt - Date.now() > this.#ttlMs - SESSION_TOUCH_INTERVAL_MS)
      return
    await this.#inner.touch(sessionId)
  }

  write(sessionId: string, values: SessionData) {
    return this.#inner.write(sessionId, values)
  }

  destroy(sessionId: string) {
    return this.#inner.destroy(sessionId)
  }

  tag(sessionId: string, userId: string) {
    return this.#inner.tag(sessionId, userId)
  }

  untag(sessionId: string, userId: string) {
    return this.#inner.untag(sessionId, userId)
  }

  tagged(userId: string) {
    return this.#inner.tagged(userId)
  }
}

/**
 * `stores.database()` with the touch above; tagging, listing and
 * destroying (the Sessions page) go to the framework's store unchanged.
 */
export function throttledDatabaseStore(config: { tableName?: string; gcProbability?: number }) {
  const inner = stores.database(config)
  return configProvider.create(async (app) => {
    const factory = await inner.resolver(app)
    const db = await app.container.make('lucid.db')
    return (ctx: any, sessionConfig: any) => {
      const store = factory(ctx, sessionConfig) as Store
      return new ThrottledDatabaseStore(
        store,
        db.connection(),
        sessionConfig.age,
        config.tableName ?? 'sessions'
      )
    }
  })
}
