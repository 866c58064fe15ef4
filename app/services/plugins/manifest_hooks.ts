import { CORE_EVENT_NAMES } from '#plugin-sdk/lifecycle'
import type { PluginDefinition } from '#plugin-sdk/types'

type Check = (condition: unknown, field: string, problem: string) => void

/**
 * The manifest checks for webhooks v2, lifecycle hooks and core events:
 * a misspelt hook or event name is reported when the plugin loads, not
 * silently never called.
 */
export function validateHooks(plugin: PluginDefinition, check: Check) {
  const webhooks = plugin.webhooks
  if (webhooks !== undefined) {
    check(
      webhooks.authentication === undefined ||
        ['signature', 'url-token'].includes(webhooks.authentication),
      'webhooks.authentication',
      'must be "signature" or "url-token"'
    )
    check(
      webhooks.handshake === undefined || typeof webhooks.handshake === 'function',
      'webhooks.handshake',
      'must be a function'
    )
  }
  if (plugin.lifecycle !== undefined) {
    check(
      plugin.lifecycle && typeof plugin.lifecycle === 'object',
      'lifecycle',
      'must be an object'
    )
    for (const [name, hook] of Object.entries(plugin.lifecycle)) {
      check(
        ['onConnected', 'onDisconnecting'].includes(name),
        `lifecycle.${name}`,
        'is not a hook (onConnected, onDisconnecting)'
      )
      check(typeof hook === 'function', `lifecycle.${name}`, 'must be a function')
    }
  }
  if (plugin.events !== undefined) {
    check(plugin.events && typeof plugin.events === 'object', 'events', 'must be an object')
    for (const [name, handler] of Object.entries(plugin.events)) {
      check(
        (CORE_EVENT_NAMES as readonly string[]).includes(name),
        `events["${name}"]`,
        `is not a core event (${CORE_EVENT_NAMES.join(', ')})`
      )
      check(typeof handler === 'function', `events["${name}"]`, 'must be a function')
    }
  }
}
