import { test } from '@japa/runner'
import { defineSettings } from '#plugin-sdk'
import { withEnv } from '#tests/helpers/env'

/** A plugin's declared environment variables (app/plugin_sdk/settings.ts). */
const settings = defineSettings({
  PROBE_KEY: {
    type: 'string',
    required: true,
    orInstead: 'PROBE_KEY_PATH',
    description: 'the key',
  },
  PROBE_KEY_PATH: { type: 'string', description: 'a file holding the key' },
  PROBE_URL: { type: 'url', default: 'https://api.probe.example', description: 'the API' },
  PROBE_LIMIT: { type: 'number', min: 1, default: 10, description: 'items per page' },
  PROBE_VERBOSE: { type: 'boolean', default: false, description: 'log requests' },
})

const unset = {
  PROBE_KEY: undefined,
  PROBE_KEY_PATH: undefined,
  PROBE_URL: undefined,
  PROBE_LIMIT: undefined,
  PROBE_VERBOSE: undefined,
}

test.group('Plugin settings', () => {
  test('values are typed, defaults fill what is unset', ({ assert, cleanup }) => {
    cleanup(withEnv(unset))
    assert.equal(settings.get('PROBE_URL'), 'https://api.probe.example')
    assert.equal(settings.get('PROBE_LIMIT'), 10)
    assert.isFalse(settings.get('PROBE_VERBOSE'))
    assert.isUndefined(settings.get('PROBE_KEY'))

    process.env.PROBE_URL = 'https://ghe.example.com/api/v3/'
    process.env.PROBE_LIMIT = ' 25 '
    process.env.PROBE_VERBOSE = 'yes'
    assert.equal(settings.get('PROBE_URL'), 'https://ghe.example.com/api/v3')
    assert.equal(settings.get('PROBE_LIMIT'), 25)
    assert.isTrue(settings.get('PROBE_VERBOSE'))
  })

  test('an unset required variable is named, unless its alternative is set', ({
    assert,
    cleanup,
  }) => {
    cleanup(withEnv(unset))
    assert.deepEqual(settings.problems(), [
      { variable: 'PROBE_KEY', message: 'PROBE_KEY (or PROBE_KEY_PATH) is not set: the key' },
    ])
    process.env.PROBE_KEY_PATH = '/etc/probe.pem'
    assert.deepEqual(settings.problems(), [])
    process.env.PROBE_KEY_PATH = '   '
    assert.lengthOf(settings.problems(), 1, 'blank is unset')
  })

  test('a value of the wrong type is named and its default used', ({ assert, cleanup }) => {
    cleanup(
      withEnv({
        ...unset,
        PROBE_KEY: 'k',
        PROBE_LIMIT: '0',
        PROBE_VERBOSE: 'maybe',
        PROBE_URL: 'ftp://x',
      })
    )
    assert.deepEqual(
      settings.problems().map((problem) => problem.message),
      [
        'PROBE_URL must be an http(s) URL (it is "ftp://x")',
        'PROBE_LIMIT must be at least 1 (it is 0)',
        'PROBE_VERBOSE must be true or false (it is "maybe")',
      ]
    )
    assert.equal(settings.get('PROBE_LIMIT'), 10)
    assert.equal(settings.get('PROBE_URL'), 'https://api.probe.example')
    assert.isFalse(settings.get('PROBE_VERBOSE'))
  })

  test('a declaration naming an undeclared alternative or a lower-case name is refused', ({
    assert,
  }) => {
    assert.throws(
      () => defineSettings({ A_KEY: { type: 'string', orInstead: 'B_KEY', description: 'a' } }),
      'Setting A_KEY: orInstead names "B_KEY", not declared'
    )
    assert.throws(
      () => defineSettings({ lower: { type: 'string', description: 'a' } }),
      'Setting "lower" must be an upper-case environment variable name'
    )
  })
})
