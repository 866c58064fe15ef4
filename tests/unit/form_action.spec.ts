import { test } from '@japa/runner'
import { formActionSources } from '#services/plugins/form_action'
import { settingsChanged } from '#plugin-sdk/settings_changes'
import { withEnv } from '#tests/helpers/env'

/**
 * The CSP form-action list is built once per change of the plugins'
 * settings (announced by `settingsChanged()`, which `withEnv` calls), not
 * per response; a setting changed while the process runs still shows in
 * the next answer.
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

  test('read the settings again only when a change is announced', ({ assert }) => {
    const before = formActionSources()
    const previous = process.env.GITHUB_URL
    process.env.GITHUB_URL = 'https://unannounced.example.org'
    try {
      assert.equal(formActionSources(), before)

      settingsChanged()

      assert.include(formActionSources().split(' '), 'https://unannounced.example.org')
    } finally {
      if (previous === undefined) delete process.env.GITHUB_URL
      else process.env.GITHUB_URL = previous
      settingsChanged()
    }
  })
})
