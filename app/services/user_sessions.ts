import app from '@adonisjs/core/services/app'
import { SessionCollection } from '@adonisjs/session'
import Bowser from 'bowser'
import { deviceOf, lastSeenOf, sessionHandle } from '#services/auth_session'

/**
 * A user's signed-in sessions across devices, read from the server-side
 * session store (database or Redis) by the user tag set at sign-in.
 */
export type UserSessionSummary = {
  handle: string
  ip: string | null
  userAgent: string | null
  /** "Chrome 131 on Linux", parsed from the user agent; null when unknown. */
  device: string | null
  signedInAt: number | null
  lastSeenAt: number | null
  isCurrent: boolean
}

/**
 * A readable name for the browser and system of a user agent string.
 */
export function describeUserAgent(userAgent: string | null): string | null {
  if (!userAgent) return null
  const parsed = Bowser.parse(userAgent)
  const browser = [parsed.browser.name, parsed.browser.version?.split('.')[0]]
    .filter(Boolean)
    .join(' ')
  const system = [parsed.os.name, parsed.os.versionName ?? parsed.os.version]
    .filter(Boolean)
    .join(' ')
  if (browser && system) return `${browser} on ${system}`
  return browser || system || null
}

async function collection() {
  return app.container.make(SessionCollection)
}

export async function listUserSessions(userId: number, currentSessionId: string | null) {
  const store = await collection()
  const sessions = await store.tagged(String(userId))
  return sessions
    .map(({ id, data }): UserSessionSummary => {
      const device = deviceOf(data)
      return {
        handle: sessionHandle(id),
        ip: device?.ip ?? null,
        userAgent: device?.userAgent ?? null,
        device: describeUserAgent(device?.userAgent ?? null),
        signedInAt: device?.signedInAt ?? null,
        lastSeenAt: lastSeenOf(data),
        isCurrent: id === currentSessionId,
      }
    })
    .sort((a, b) => (b.lastSeenAt ?? 0) - (a.lastSeenAt ?? 0))
}

/**
 * Destroys the sessions of a user: one (by its handle), or all but the
 * current one. Returns how many were destroyed.
 */
export async function destroyUserSessions(
  userId: number,
  which: { handle: string } | { allExcept: string | null }
) {
  const store = await collection()
  const sessions = await store.tagged(String(userId))
  let destroyed = 0
  for (const { id } of sessions) {
    const matches = 'handle' in which ? sessionHandle(id) === which.handle : id !== which.allExcept
    if (matches) {
      await store.destroy(id)
      destroyed += 1
    }
  }
  return destroyed
}
