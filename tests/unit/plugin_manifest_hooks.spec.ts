import { test } from '@japa/runner'
import { validateHooks } from '#services/plugins/manifest_hooks'
import type { PluginDefinition } from '#plugin-sdk/types'

function problems(plugin: Partial<PluginDefinition>) {
  const found: string[] = []
  validateHooks(plugin as PluginDefinition, (condition, field, problem) => {
    if (!condition) found.push(`${field} ${problem}`)
  })
  return found
}

test.group('Plugin manifest | hooks and events', () => {
  test('a misspelt lifecycle hook or core event is named when the plugin loads', ({ assert }) => {
    const noop = async () => {}
    assert.deepEqual(problems({ lifecycle: { onConnected: noop, onDisconnected: noop } as any }), [
      'lifecycle.onDisconnected is not a hook (onConnected, onDisconnecting)',
    ])
    assert.match(
      problems({ events: { 'user.create': noop } as any })[0],
      /^events\["user.create"\] is not a core event/
    )
    assert.deepEqual(
      problems({
        lifecycle: { onConnected: noop, onDisconnecting: noop },
        events: { 'membership.changed': noop },
      }),
      []
    )
  })

  test('webhooks name their authentication and handshake correctly', ({ assert }) => {
    const webhooks = { verify: () => ({ ok: true as const, event: 'x' }), handlers: {} }
    assert.deepEqual(problems({ webhooks: { ...webhooks, authentication: 'basic' as any } }), [
      'webhooks.authentication must be "signature" or "url-token"',
    ])
    assert.deepEqual(problems({ webhooks: { ...webhooks, handshake: 'ok' as any } }), [
      'webhooks.handshake must be a function',
    ])
  })
})
