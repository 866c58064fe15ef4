import { appUrl } from '#config/app'

/**
 * The relying party a passkey is bound to. Browsers accept only a domain
 * name (never an IP address) that matches the page's host: APP_URL's
 * host in production, or "localhost" when developing.
 */
export type RelyingParty = { id: string; name: string; origin: string }

const configured = new URL(appUrl)

export function relyingPartyFor(request: {
  hostname(): string | null
  protocol(): string
  host(): string | null
}) {
  const hostname = request.hostname()
  if (hostname && hostname === configured.hostname && !isIpAddress(hostname)) {
    return { id: hostname, name: 'Sextant', origin: configured.origin } satisfies RelyingParty
  }
  if (hostname === 'localhost') {
    return {
      id: 'localhost',
      name: 'Sextant',
      origin: `${request.protocol()}://${request.host()}`,
    } satisfies RelyingParty
  }
  return null
}

function isIpAddress(hostname: string) {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.includes(':')
}

export const PASSKEY_UNAVAILABLE =
  'Passkeys work only on the address Sextant is configured for (APP_URL), or on localhost.'
