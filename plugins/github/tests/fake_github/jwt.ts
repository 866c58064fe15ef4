import { createPublicKey, verify, type KeyObject } from 'node:crypto'

/**
 * Verifies a GitHub App JWT the way GitHub documents it: RS256 signed
 * with the App's private key, `iss` the App id (or its client id),
 * `exp` at most ten minutes after `iat`, 60 seconds of clock drift
 * tolerated. The messages are the ones GitHub answers with.
 */
export const JWT_UNDECODABLE = 'A JSON web token could not be decoded'
const EXPIRED =
  "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"
const TOO_LONG = "'Expiration time' claim ('exp') is too far in the future"
const ISSUED_IN_FUTURE =
  "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
const BAD_ISSUER = "'Issuer' claim ('iss') must be an Integer"

const MAX_LIFETIME_SECONDS = 600
const CLOCK_DRIFT_SECONDS = 60

export type JwtVerdict = { valid: true } | { valid: false; message: string }

/** A JWT is three base64url parts; tokens like ghs_… never are. */
export function looksLikeJwt(token: string) {
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)
}

function decodePart(part: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    return value && typeof value === 'object' ? value : null
  } catch {
    return null
  }
}

export function appKey(publicKeyPem: string): KeyObject {
  return createPublicKey(publicKeyPem)
}

export function verifyAppJwt(
  token: string,
  key: KeyObject,
  app: { id: number; clientId: string },
  nowSeconds = Math.floor(Date.now() / 1000)
): JwtVerdict {
  const parts = token.split('.')
  if (parts.length !== 3) return { valid: false, message: JWT_UNDECODABLE }
  const [encodedHeader, encodedPayload, signature] = parts
  const header = decodePart(encodedHeader)
  const payload = decodePart(encodedPayload)
  if (!header || !payload || header.alg !== 'RS256')
    return { valid: false, message: JWT_UNDECODABLE }

  const signed = verify(
    'RSA-SHA256',
    Buffer.from(`${encodedHeader}.${encodedPayload}`),
    key,
    Buffer.from(signature, 'base64url')
  )
  if (!signed) return { valid: false, message: JWT_UNDECODABLE }

  const { iss, iat, exp } = payload
  if (String(iss) !== String(app.id) && iss !== app.clientId)
    return { valid: false, message: BAD_ISSUER }
  if (typeof iat !== 'number' || iat > nowSeconds + CLOCK_DRIFT_SECONDS) {
    return { valid: false, message: ISSUED_IN_FUTURE }
  }
  if (typeof exp !== 'number' || exp < nowSeconds - CLOCK_DRIFT_SECONDS) {
    return { valid: false, message: EXPIRED }
  }
  if (exp - iat > MAX_LIFETIME_SECONDS) return { valid: false, message: TOO_LONG }
  return { valid: true }
}
