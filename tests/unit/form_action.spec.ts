import { test } from '@japa/runner'
import { formActionSources } from '#services/plugins/form_action'
import { withEnv } from '#tests/helpers/env'

/**
 * The CSP form-action list is parsed once per change of the plugins'
 * settings, not per response; a setting changed while the process runs
 * still shows in the next answer.
 */
test.group('CSP form-action sources', () => {
  test('follow a provider URL changed while the process runs', ({ assert }) => {
    const before = formActionSources()
    assert.notInclude(before, 'https://github.example.org')
    const restore = withEnv({ GITHUB_URL: 'https://github.example.org' })
    try {
      assert.include(formActionSources().split(' '), 'https://github.example.org')
    } finally {
      restore()
    }
    assert.equal(formActionSources(), before)
  })
})
