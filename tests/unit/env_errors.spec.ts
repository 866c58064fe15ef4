import { test } from '@japa/runner'
import { ConfigurationError, describeEnvError } from '#start/env_errors'

test.group('Configuration errors', () => {
  test('several invalid variables fold into one line', ({ assert }) => {
    const error = Object.assign(new Error('Validation failed'), {
      code: 'E_INVALID_ENV_VARIABLES',
      help: '- Invalid value for "DB_CONNECTION" env variable\n- Missing environment variable "APP_KEY"',
    })
    const line = describeEnvError(error)!
    assert.notInclude(line, '\n')
    assert.include(line, 'DB_CONNECTION')
    assert.include(line, 'APP_KEY')
  })

  test('a cross-variable rule names its variable', ({ assert }) => {
    const line = describeEnvError(new ConfigurationError('DATABASE_URL', 'is not a valid URL'))
    assert.equal(line, 'Configuration error: DATABASE_URL is not a valid URL')
  })

  test('other errors are left to the default reporter', ({ assert }) => {
    assert.isNull(describeEnvError(new Error('boom')))
  })
})
