import { plural } from '#services/plural'
import { FormRefusalException, isFormRefusal } from '#exceptions/form_refusal'
import type { Limiter } from '@adonisjs/limiter'
import { errors as limiterErrors } from '@adonisjs/limiter'

/**
 * Attempt throttling for sign-in and second factors: failures spend
 * points; with none left the caller answers 429 with Retry-After.
 */
export type ThrottleCheck = { limiter: Limiter; key: string }

export class TooManyAttemptsException extends FormRefusalException {
  static status = 429
  static code = 'E_TOO_MANY_ATTEMPTS'

  constructor(readonly retryAfterSeconds: number) {
    super(
      `Too many attempts. Try again in ${plural(Math.ceil(retryAfterSeconds / 60), 'minute')}.`,
      { retryAfter: retryAfterSeconds }
    )
  }
}

/**
 * One throttled attempt (a password, a code, a passkey): refused with
 * TooManyAttemptsException while a check has no points left; a refusal of the
 * attempt itself (a FormRefusalException) spends a point of each check;
 * success clears `clear` (all the checks unless told otherwise).
 */
export async function throttledAttempt<T>(
  checks: ThrottleCheck[],
  attempt: () => Promise<T>,
  options: { clear?: ThrottleCheck[]; onThrottled?: () => Promise<unknown> } = {}
): Promise<T> {
  try {
    await assertNotThrottled(checks)
  } catch (error) {
    if (error instanceof TooManyAttemptsException) await options.onThrottled?.()
    throw error
  }
  let result: T
  try {
    result = await attempt()
  } catch (error) {
    if (isFormRefusal(error)) await recordFailedAttempt(checks)
    throw error
  }
  await clearAttempts(options.clear ?? checks)
  return result
}

export async function assertNotThrottled(checks: ThrottleCheck[]) {
  for (const { limiter, key } of checks) {
    if ((await limiter.isBlocked(key)) || (await limiter.remaining(key)) <= 0) {
      const seconds = Math.max(1, Math.ceil(await limiter.availableIn(key)))
      throw new TooManyAttemptsException(seconds)
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
