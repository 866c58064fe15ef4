import { pluginRegistry } from '#services/plugins/registry'
import { connectMethods } from '#services/plugins/auth_methods'

/**
 * Where a connect button may send the browser. The pages' CSP limits
 * form-action, and Chromium applies it to the redirect that answers a
 * form too; a "Connect with …" form whose answer goes to the provider
 * would be blocked. So each loaded plugin's OAuth 2.0 authorize origin,
 * and the origins its connect flow declares (redirectOrigins), join
 * 'self'.
 */
function redirectCandidates(): string[] {
  const candidates: string[] = []
  for (const plugin of pluginRegistry.loaded()) {
    const connection = plugin.definition.connection
    for (const method of connectMethods(connection)) {
      if (method.auth.kind !== 'oauth2') continue
      const authorize = method.auth.authorizeUrl
      const url = typeof authorize === 'function' ? authorize() : authorize
      if (url) candidates.push(url)
    }
    try {
      candidates.push(...(connection?.redirectOrigins?.() ?? []).filter(Boolean))
    } catch {
      // A plugin whose settings cannot be read yet has no flow to allow.
    }
  }
  return candidates
}

function originsOf(candidates: string[]): string[] {
  const origins = new Set<string>()
  for (const candidate of candidates) {
    if (!URL.canParse(candidate)) continue
    const { origin, protocol } = new URL(candidate)
    if (protocol === 'https:' || protocol === 'http:') origins.add(origin)
  }
  return [...origins].sort()
}

/**
 * The last answer, by the URLs it was made from: the URLs come from
 * settings that may change while the process runs (read on each
 * response), but parsing them into origins is done once per change
 * (3.5–4.3% of the webhook server's CPU when done per response).
 */
let last: { key: string; sources: string } | null = null

/** The form-action sources of the CSP header, read on each response. */
export function formActionSources() {
  const candidates = redirectCandidates()
  const key = candidates.join('\n')
  if (last?.key !== key) last = { key, sources: [`'self'`, ...originsOf(candidates)].join(' ') }
  return last.sources
}
