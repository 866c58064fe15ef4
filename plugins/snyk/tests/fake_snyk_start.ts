import { withEnv } from '#plugin-sdk/testing'
import { startFakeSnyk, type FakeSnyk } from './fake_snyk.js'

/**
 * Fake Snyk as the tests and `bench:snyk` start it, and the token that
 * sees its organisations. Imports only the SDK's test kit, like the
 * bench command that uses it (lint).
 */
export const TOKEN = 'snyk-service-account-token-0001'

/** fake Snyk on a port the OS picks, SNYK_API_URL pointing at it while it runs */
export async function startSnyk(): Promise<FakeSnyk> {
  const snyk = await startFakeSnyk()
  const restore = withEnv({ SNYK_API_URL: snyk.url, HTTP_RETRY_BASE_MS: '5' })
  const stop = snyk.stop.bind(snyk)
  snyk.stop = async () => {
    restore()
    await stop()
  }
  return snyk
}

/** a token (a service account) seeing the given organisations */
export function seedToken(snyk: FakeSnyk, names: string[]) {
  const orgs = names.map((name) => snyk.addOrg(name))
  snyk.addToken(TOKEN, {
    type: 'service_account',
    name: 'sextant-reader',
    orgs: orgs.map((org) => org.id),
  })
  return orgs
}
