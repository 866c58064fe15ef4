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
function pluginRedirectOrigins(): string[] {
  const origins = new Set<string>()
  for (const plugin of pluginRegistry.loaded()) {
    const connection = plugin.definition.connection
    const candidates: Array<string | undefined> = []
    for (const method of connectMethods(connection)) {
      if (method.auth.kind !== 'oauth2') continue
      const authorize = method.auth.authorizeUrl
      candidates.push(typeof authorize === 'function' ? authorize() : authorize)
    }
    try {
      candidates.push(...(connection?.redirectOrigins?.() ?? []))
    } catch {
      // A plugin whose settings cannot be read yet has no flow to allow.
    }
    for (const candidate of candidates) {
      if (!candidate || !URL.canParse(candidate)) continue
      const { origin, protocol } = new URL(candidate)
      if (protocol === 'https:' || protocol === 'http:') origins.add(origin)
    }
  }
  return [...origins].sort()
}

let computed: { revision: number; sources: string } | null = null

/**
 * The form-action sources of the CSP header, asked for on each response:
 * computed once per change of the plugin registry (the plugins' URLs are
 * server settings, fixed for the life of the process), not once per
 * response as before (each plugin's settings parsed again, GitHub's
 * private key read included).
 */
export function formActionSources() {
  const revision = pluginRegistry.revision
  if (computed?.revision !== revision) {
    computed = { revision, sources: [`'self'`, ...pluginRedirectOrigins()].join(' ') }
  }
  return computed.sources
}
