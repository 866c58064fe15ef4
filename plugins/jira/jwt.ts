import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * The JWT Jira Cloud puts on deliveries of dynamic webhooks registered by
 * an OAuth 2.0 (3LO) app: `Authorization: Bearer <JWT>`, signed with
 * HS256 under the app's client secret. Only HS256 is accepted (a token
 * naming `none` or another algorithm is refused, whatever it carries),
 * the signature is compared in constant time, and an `exp` or `nbf` claim,
 * when present, is honoured with a minute of leeway for clock drift.
 */

const LEEWAY_SECONDS = 60

export type JwtCheck = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string }

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}

export function verifyBearerJwt(
  authorization: string | undefined,
  secret: string | undefined,
  now = Date.now()
): JwtCheck {
  if (!secret) return { ok: false, reason: 'the OAuth app has no client secret configured' }
  const match = /^Bearer\s+([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(
    (authorization ?? '').trim()
  )
  if (!match) return { ok: false, reason: 'missing JWT' }
  const [, headerPart, claimsPart, signaturePart] = match
  const header = decodeJson(headerPart)
  if (header?.alg !== 'HS256') return { ok: false, reason: 'JWT not signed with HS256' }
  const expected = createHmac('sha256', secret).update(`${headerPart}.${claimsPart}`).digest()
  const given = Buffer.from(signaturePart, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad JWT signature' }
  }
  const claims = decodeJson(claimsPart)
  if (!claims) return { ok: false, reason: 'unreadable JWT claims' }
  const seconds = now / 1000
  if (typeof claims.exp === 'number' && claims.exp + LEEWAY_SECONDS < seconds) {
    return { ok: false, reason: 'expired JWT' }
  }
  if (typeof claims.nbf === 'number' && claims.nbf - LEEWAY_SECONDS > seconds) {
    return { ok: false, reason: 'JWT not valid yet' }
  }
  return { ok: true, claims }
}
