import { settingsGeneration } from '#plugin-sdk/settings_changes'
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
 * The last answer and the settings generation it was built from: plugin
 * settings (environment variables) change only where `settingsChanged()`
 * is called (the plugins' loading, `withEnv`), so a response reads
 * nothing of them (each plugin's settings parsed, GitHub's private key
 * read: 1.3% of the Executive Summary's CPU when read per response).
 */
let last: { generation: number; sources: string } | null = null

/** The form-action sources of the CSP header, for each response. */
export function formActionSources() {
  const generation = settingsGeneration()
  if (last?.generation !== generation) {
    last = { generation, sources: [`'self'`, ...originsOf(redirectCandidates())].join(' ') }
  }
  return last.sources
}
