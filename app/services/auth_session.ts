import { DateTime } from 'luxon'
import { issueDeviceCookie } from '#services/device_cookies'
import string from '@adonisjs/core/helpers/string'
import type { HttpContext } from '@adonisjs/core/http'
import sextantConfig from '#config/sextant'
import type User from '#models/user'
import { sha256 } from '#services/one_time_tokens'
import type { RequestMeta } from '#services/audit'

/**
 * The web session's sign-in state machine:
 *
 *   signed out → (password ok) → pending "mfa" or "enrol" → (second factor
 *   ok) → signed in
 *
 * A pending session is not logged in to the auth guard at all, so it
 * authorises nothing but finishing the sign-in, and only for a few
 * minutes. The session id is rotated at each step up.
 */
const PENDING_KEY = 'signin.pending'
const STARTED_KEY = 'auth.startedAt'
const SEEN_KEY = 'auth.lastSeenAt'
const REAUTH_KEY = 'auth.reauthAt'
const ORGANIZATION_KEY = 'auth.organizationId'
const DEVICE_KEY = 'auth.device'

export type PendingStage = 'mfa' | 'enrol'
export type PendingSignIn = {
  userId: number
  stage: PendingStage
  since: number
  returnTo?: string | null
}
export type SessionDevice = { ip: string | null; userAgent: string | null; signedInAt: number }

const ms = (duration: string) => string.milliseconds.parse(duration)

export function requestMeta({ request }: Pick<HttpContext, 'request'>): RequestMeta {
  return { ip: request.ip() ?? null, userAgent: request.header('user-agent') ?? null }
}

export function startPendingSignIn(
  { session }: Pick<HttpContext, 'session'>,
  user: User,
  stage: PendingStage,
  returnTo?: string | null
) {
  session.clear()
  session.regenerate()
  session.put(PENDING_KEY, {
    userId: user.id,
    stage,
    since: Date.now(),
    returnTo: returnTo ?? null,
  })
}

export function readPendingSignIn({ session }: Pick<HttpContext, 'session'>): PendingSignIn | null {
  const pending = session.get(PENDING_KEY) as PendingSignIn | undefined
  if (!pending || typeof pending.userId !== 'number') return null
  if (Date.now() - pending.since > ms(sextantConfig.auth.pendingMfaTimeout)) {
    session.forget(PENDING_KEY)
    return null
  }
  return pending
}

export function moveToStage({ session }: Pick<HttpContext, 'session'>, stage: PendingStage) {
  const pending = session.get(PENDING_KEY) as PendingSignIn | undefined
  if (pending) session.put(PENDING_KEY, { ...pending, stage })
}

/**
 * Both factors passed: rotate the session id, log in, and remember when
 * and from where (for the Sessions page and the timeouts).
 */
export async function completeSignIn(ctx: HttpContext, user: User) {
  const pending = readPendingSignIn(ctx)
  // Every way in (password and TOTP, passkey, first enrolment) records it.
  await user.merge({ lastSignInAt: DateTime.now() }).save()
  ctx.session.clear()
  ctx.session.regenerate()
  await ctx.auth.use('web').login(user)
  const now = Date.now()
  ctx.session.put(STARTED_KEY, now)
  ctx.session.put(SEEN_KEY, now)
  ctx.session.put(REAUTH_KEY, now)
  const { ip, userAgent } = requestMeta(ctx)
  ctx.session.put(DEVICE_KEY, { ip, userAgent, signedInAt: now } satisfies SessionDevice)
  await ctx.session.tag(String(user.id))
  issueDeviceCookie(ctx, user.email)
  return { returnTo: pending?.returnTo ?? null }
}

/**
 * Signs out and destroys the server-side session: the old cookie, if
 * replayed, finds nothing.
 */
export async function endSession(ctx: HttpContext) {
  const user = ctx.auth.use('web').user
  if (user) await ctx.auth.use('web').logout()
  ctx.session.clear()
  ctx.session.regenerate()
}

export type SessionExpiry = 'idle' | 'lifetime' | null

/** how stale the recorded last activity may be before a request rewrites it */
export const LAST_SEEN_RESOLUTION_MS = 60_000

/**
 * Enforces the idle timeout and the absolute lifetime of a signed-in
 * session, and records activity.
 */
export function checkSessionFreshness({ session }: Pick<HttpContext, 'session'>): SessionExpiry {
  const now = Date.now()
  const startedAt = Number(session.get(STARTED_KEY) ?? 0)
  const lastSeenAt = Number(session.get(SEEN_KEY) ?? 0)
  if (!startedAt || now - startedAt > ms(sextantConfig.auth.maxLifetime)) return 'lifetime'
  if (!lastSeenAt || now - lastSeenAt > ms(sextantConfig.auth.idleTimeout)) return 'idle'
  // Activity is recorded to the minute: a request within a minute of the
  // last mark leaves the session unchanged (no write). The idle timeout
  // then counts from a mark up to a minute old: on time or a minute
  // early, never late.
  if (now - lastSeenAt >= LAST_SEEN_RESOLUTION_MS) session.put(SEEN_KEY, now)
  return null
}

export function markReauthenticated({ session }: Pick<HttpContext, 'session'>) {
  session.put(REAUTH_KEY, Date.now())
}

export function isRecentlyAuthenticated({ session }: Pick<HttpContext, 'session'>) {
  const at = Number(session.get(REAUTH_KEY) ?? 0)
  return Date.now() - at <= ms(sextantConfig.auth.reauthWindow)
}

export function currentOrganizationId({ session }: Pick<HttpContext, 'session'>): number | null {
  const id = session.get(ORGANIZATION_KEY)
  return typeof id === 'number' ? id : null
}

export function setCurrentOrganizationId({ session }: Pick<HttpContext, 'session'>, id: number) {
  session.put(ORGANIZATION_KEY, id)
}

/**
 * The handle of a session shown in pages and forms: a digest of its id,
 * never the id itself (which is the bearer credential).
 */
export function sessionHandle(sessionId: string) {
  return sha256(`session:${sessionId}`).slice(0, 24)
}

/**
 * Reads a dotted session key from stored session data. The session store
 * writes `auth.device` as a nested object (`{ auth: { device } }`), so a
 * flat lookup finds nothing.
 */
function readStored(data: Record<string, any> | null | undefined, key: string): unknown {
  if (!data) return undefined
  if (key in data) return data[key]
  return key.split('.').reduce<any>((node, part) => (node ? node[part] : undefined), data)
}

export function deviceOf(data: Record<string, any> | null | undefined): SessionDevice | null {
  const device = readStored(data, DEVICE_KEY)
  return device && typeof device === 'object' ? (device as SessionDevice) : null
}

export function lastSeenOf(data: Record<string, any> | null | undefined): number | null {
  const value = readStored(data, SEEN_KEY)
  return typeof value === 'number' ? value : null
}
