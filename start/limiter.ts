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
   * Escalation for attempts from browsers without a device cookie for the
   * account (see app/services/device_cookies.ts): after 30 failures in a
   * day, such attempts are refused for a day. The owner, signing in from a
   * browser that holds a device cookie, is not affected.
   */
  perAccountUntrusted: () =>
    limiter.use({ requests: 30, duration: '24 hours', blockDuration: '24 hours' }),
  /** attempts from a browser holding a device cookie for the account */
  perDevice: () =>
    limiter.use({ requests: 10, duration: '15 minutes', blockDuration: '15 minutes' }),
}

/** the limiter keys of one sign-in attempt */
export function signInChecks(input: { email: string; ip: string | null; deviceId: string | null }) {
  const email = input.email.trim().toLowerCase()
  return [
    { limiter: signInLimiters.perAccount(), key: `sign_in:${email}:${input.ip}` },
    { limiter: signInLimiters.perIp(), key: `sign_in_ip:${input.ip}` },
    input.deviceId
      ? { limiter: signInLimiters.perDevice(), key: `sign_in_device:${input.deviceId}` }
      : { limiter: signInLimiters.perAccountUntrusted(), key: untrustedSignInKey(email) },
  ]
}

/** the account-wide counter of attempts from browsers without its device cookie */
export function untrustedSignInKey(email: string) {
  return `sign_in_untrusted:${email.trim().toLowerCase()}`
}

/**
 * Second-factor codes: 5 a minute per account, then 15 minutes blocked.
 */
export const mfaLimiter = () =>
  limiter.use({ requests: 5, duration: '1 minute', blockDuration: '15 minutes' })

/**
 * Mail sent on someone's request (password resets, sign-up links,
 * invitations): 3 an hour to one address, and a budget per requester.
 * Past either, the mail is held back and the page answers as if it had
 * been sent, so nothing is learnt about accounts.
 */
export const mailLimiters = {
  perRecipient: () => limiter.use({ requests: 3, duration: '1 hour' }),
  perRequester: (requestsPerHour: number) =>
    limiter.use({ requests: requestsPerHour, duration: '1 hour' }),
}
