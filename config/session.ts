import env from '#start/env'
import { defineConfig, stores } from '@adonisjs/session'
import { secureCookies } from '#config/sextant'
import { throttledDatabaseStore } from '#services/session_store'

/**
 * Sessions live server-side (database by default, Redis when configured)
 * so they can be listed and revoked. The cookie has no max-age (it ends
 * with the browser); idle timeout and absolute lifetime are enforced by
 * the "authenticated" middleware.
 */
const sessionConfig = defineConfig({
  enabled: true,
  cookieName: secureCookies ? '__Host-sextant-session' : 'sextant-session',
  clearWithBrowser: true,
  age: env.get('SESSION_IDLE_TIMEOUT', '30m'),
  cookie: {
    path: '/',
    httpOnly: true,
    secure: secureCookies,
    sameSite: 'lax',
  },
  store: env.get('SESSION_DRIVER', 'database'),
  stores: {
    // the framework's database store, its expiry refreshed at most once a minute
    database: throttledDatabaseStore({ tableName: 'sessions', gcProbability: 2 }),
    redis: stores.redis({ connection: 'main' }),
    cookie: stores.cookie(),
  },
})

export default sessionConfig
