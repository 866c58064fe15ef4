import { DateTime } from 'luxon'
import type User from '#models/user'

/**
 * The words beside the (unchecked) product-emails box, at sign-up and on
 * the Security page. Stored with each opt-in, so what a person agreed to
 * is known even after the wording changes.
 */
export const MARKETING_CONSENT_TEXT =
  'Send me occasional emails about Sextant: new features, tips and events. I can unsubscribe at any time.'

/** whether someone opted in and has not withdrawn since */
export function hasMarketingConsent(user: User) {
  return user.marketingConsent
}

/** a new opt-in: the moment and the wording shown, any earlier withdrawal cleared */
export function recordMarketingConsent(user: User) {
  user.merge({
    marketingConsentAt: DateTime.now(),
    marketingConsentText: MARKETING_CONSENT_TEXT,
    marketingConsentWithdrawnAt: null,
    marketingConsentWithdrawnBy: null,
  })
}

/** a withdrawal, with who withdrew it ("user", "mailchimp-webhook"…) */
export function withdrawMarketingConsent(user: User, by: string) {
  user.merge({ marketingConsentWithdrawnAt: DateTime.now(), marketingConsentWithdrawnBy: by })
}
