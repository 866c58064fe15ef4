/*
|--------------------------------------------------------------------------
| Throttles
|--------------------------------------------------------------------------
|
| Sign-in and second-factor attempts are limited per account and per IP,
| with lock-out that grows on repeated abuse. Refusals answer 429 with
| Retry-After.
|
*/
import limiter from '@adonisjs/limiter/services/main'

/**
 * 5 sign-in attempts a minute per email+IP; 20 a minute per IP across
 * emails (password spraying). Exceeding either blocks for 15 minutes.
 */
export const signInLimiters = {
  perAccount: () => limiter.use({ requests: 5, duration: '1 minute', blockDuration: '15 minutes' }),
  perIp: () => limiter.use({ requests: 20, duration: '1 minute', blockDuration: '15 minutes' }),
  /**
   * Escalation: an account that keeps failing after its 15-minute blocks
   * is blocked for a day.
   */
  perAccountDaily: () =>
    limiter.use({ requests: 30, duration: '24 hours', blockDuration: '24 hours' }),
}

/**
 * Second-factor codes: 5 a minute per account, then 15 minutes blocked.
 */
export const mfaLimiter = () =>
  limiter.use({ requests: 5, duration: '1 minute', blockDuration: '15 minutes' })
