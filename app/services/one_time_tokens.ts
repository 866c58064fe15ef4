import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'
import env from '#start/env'

/**
 * Tokens sent by email (invitations, password resets) and recovery codes.
 * Only digests are stored; the plain values exist in the user's inbox or
 * on the page that showed them once.
 */
export function newUrlToken(): { token: string; digest: string } {
  const token = randomBytes(32).toString('base64url')
  return { token, digest: sha256(token) }
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

/**
 * Recovery codes look like "7KQ4M-2ZP9D": 10 characters of an alphabet
 * without look-alikes (50 bits), easy to type from paper.
 */
const RECOVERY_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'

export function newRecoveryCode(): string {
  let code = ''
  for (let i = 0; i < 10; i++) code += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]
  return `${code.slice(0, 5)}-${code.slice(5)}`
}

export function normalizeRecoveryCode(input: string): string | null {
  const compact = input.toUpperCase().replace(/[\s-]/g, '')
  if (compact.length !== 10 || [...compact].some((char) => !RECOVERY_ALPHABET.includes(char))) {
    return null
  }
  return `${compact.slice(0, 5)}-${compact.slice(5)}`
}

export function looksLikeRecoveryCode(input: string): boolean {
  return normalizeRecoveryCode(input) !== null
}

/**
 * A keyed digest: a stolen table of recovery code digests cannot be
 * brute-forced without the APP_KEY, and lookups stay one indexed query.
 */
export function recoveryCodeDigest(code: string): string {
  return createHmac('sha256', env.get('APP_KEY').release()).update(`recovery:${code}`).digest('hex')
}

export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}
