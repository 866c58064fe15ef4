import { test } from '@japa/runner'
import { validateManifest } from '#services/plugins/manifest'

/**
 * A plugin offering chat completions to the core (the narratives of
 * "What changed") declares both functions; the loader names the one
 * missing instead of failing later, when the daily run asks for a model.
 */
function load(chatCompletion: unknown) {
  return validateManifest('writer', '/nowhere', {
    id: 'writer',
    name: 'Writer',
    description: 'Offers a chat model',
    category: 'assistant',
    version: '1.0.0',
    chatCompletion,
  })
}

test.group('Plugin manifest | chat completion', () => {
  test('a plugin with modelFor and complete loads', ({ assert }) => {
    const definition = load({
      modelFor: async () => null,
      complete: async () => ({ text: '', model: '' }),
    })
    assert.isFunction(definition.chatCompletion?.complete)
  })

  test('a missing function is named', ({ assert }) => {
    assert.throws(
      () => load({ modelFor: async () => 'model' }),
      /chatCompletion\.complete must be a function/
    )
  })
})
