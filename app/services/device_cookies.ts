import { createHash, randomBytes } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import { secureCookies } from '#config/sextant'

/**
 * Device cookies (OWASP's scheme against account lock-out): after a
 * complete sign-in (password and second factor) the browser gets a
 * signed cookie naming that account and a random device id. Sign-in
 * attempts that present one for the account they try are throttled per
 * device only; attempts without one share the account-wide limit. A
 * stranger can then slow attacks on an account down, but never keep its
 * owner (who holds a device cookie) out.
 *
 * One cookie per browser holds the devices of its last few accounts. It
 * is signed with APP_KEY (AdonisJS signed cookies), HTTP-only, and names
 * an account by a digest of its email, so it reveals nothing readable.
 */
export const DEVICE_COOKIE = secureCookies ? '__Host-sextant-device' : 'sextant-device'

/** a browser remembers this many accounts */
const MAX_ACCOUNTS = 5
const LIFETIME = '180 days'

type DeviceEntry = { a: string; d: string }

function accountDigest(email: string) {
  return createHash('sha256')
    .update(`sextant-device:${email.trim().toLowerCase()}`)
    .digest('base64url')
    .slice(0, 22)
}

function entriesOf(ctx: HttpContext): DeviceEntry[] {
  const value = ctx.request.cookie(DEVICE_COOKIE)
  if (!Array.isArray(value)) return []
  return value.filter(
    (entry): entry is DeviceEntry =>
      typeof entry?.a === 'string' && typeof entry?.d === 'string' && entry.d.length >= 16
  )
}

/**
 * The device id this browser holds for the account signing in, when its
 * cookie is valid (signature checked by the framework) and names it.
 */
export function deviceIdFor(ctx: HttpContext, email: string): string | null {
  const account = accountDigest(email)
  return entriesOf(ctx).find((entry) => entry.a === account)?.d ?? null
}

/**
 * After a complete sign-in: a fresh device id for this account (the
 * previous one, if any, is replaced), kept with the browser's others.
 */
export function issueDeviceCookie(ctx: HttpContext, email: string) {
  const account = accountDigest(email)
  const others = entriesOf(ctx).filter((entry) => entry.a !== account)
  const entries = [{ a: account, d: randomBytes(18).toString('base64url') }, ...others].slice(
    0,
    MAX_ACCOUNTS
  )
  ctx.response.cookie(DEVICE_COOKIE, entries, {
    httpOnly: true,
    secure: secureCookies,
    sameSite: 'lax',
    path: '/',
    maxAge: LIFETIME,
  })
}
