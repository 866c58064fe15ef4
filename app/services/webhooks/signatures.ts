import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Whether `signature` is the HMAC-SHA256 of the body under `secret`, as
 * hex with an optional prefix ("sha256=" for GitHub). Compared in constant
 * time so the check leaks nothing about how much of a guess was right.
 */
export function hmacSha256Matches(
  secret: string,
  body: Buffer,
  signature: string | undefined,
  prefix = ''
): boolean {
  if (!secret || !signature || !signature.startsWith(prefix)) return false
  const provided = Buffer.from(signature.slice(prefix.length).trim(), 'hex')
  const expected = createHmac('sha256', secret).update(body).digest()
  return provided.length === expected.length && timingSafeEqual(provided, expected)
}

/**
 * Whether two secrets are equal, compared in constant time: both are
 * hashed first, so neither their content nor their length leaks.
 */
export function secretsMatch(provided: string | null | undefined, expected: string): boolean {
  if (!provided || !expected) return false
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest()
  return timingSafeEqual(digest(provided), digest(expected))
}
