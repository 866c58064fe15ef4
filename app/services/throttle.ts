import { plural } from '#services/plural'
import type { Limiter } from '@adonisjs/limiter'
import { errors as limiterErrors } from '@adonisjs/limiter'

/**
 * Attempt throttling for sign-in and second factors: failures spend
 * points; with none left the caller answers 429 with Retry-After.
 */
export type ThrottleCheck = { limiter: Limiter; key: string }

export class TooManyAttempts extends Error {
  constructor(public retryAfterSeconds: number) {
    super(`Too many attempts. Try again in ${plural(Math.ceil(retryAfterSeconds / 60), 'minute')}.`)
  }
}

export async function assertNotThrottled(checks: ThrottleCheck[]) {
  for (const { limiter, key } of checks) {
    if ((await limiter.isBlocked(key)) || (await limiter.remaining(key)) <= 0) {
      const seconds = Math.max(1, Math.ceil(await limiter.availableIn(key)))
      throw new TooManyAttempts(seconds)
    }
  }
}

export async function recordFailedAttempt(checks: ThrottleCheck[]) {
  for (const { limiter, key } of checks) {
    try {
      await limiter.consume(key)
    } catch (error) {
      if (!(error instanceof limiterErrors.E_TOO_MANY_REQUESTS)) throw error
    }
  }
}

export async function clearAttempts(checks: ThrottleCheck[]) {
  for (const { limiter, key } of checks) await limiter.delete(key)
}
