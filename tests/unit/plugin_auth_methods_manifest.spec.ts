import { test } from '@japa/runner'
import vine from '@vinejs/vine'
import { validateManifest } from '#services/plugins/manifest'

/**
 * The loader reads a plugin's authentication methods and names the
 * field to fix when they are declared wrongly.
 */
const token = vine.create({ token: vine.string() })

function plugin(connection: Record<string, unknown>) {
  return {
    id: 'methods',
    name: 'Methods',
    description: 'Declares authentication methods',
    category: 'other',
    version: '1.0.0',
    connection,
  }
}

function problem(connection: Record<string, unknown>) {
  try {
    validateManifest('methods', '/nowhere', plugin(connection))
    return null
  } catch (error) {
    return (error as Error).message
  }
}

const tokenMethod = {
  id: 'token',
  label: 'API token',
  auth: { kind: 'token' },
  fields: [{ name: 'token', label: 'Token', secret: true }],
  validator: token,
}

test.group('Plugin manifest | authentication methods', () => {
  test('a token and a basic method load', ({ assert }) => {
    const basic = {
      id: 'basic',
      label: 'Email and API token',
      auth: { kind: 'basic', usernameField: 'email', passwordField: 'apiToken' },
      fields: [
        { name: 'email', label: 'Email' },
        { name: 'apiToken', label: 'API token', secret: true },
      ],
      validator: vine.create({ email: vine.string(), apiToken: vine.string() }),
    }
    assert.isNull(problem({ methods: [tokenMethod, basic] }))
  })

  test('auth and methods together, or neither, are refused', ({ assert }) => {
    assert.include(
      problem({ auth: { kind: 'token' }, methods: [tokenMethod] }),
      'connection.auth or connection.methods must be declared (one of them, not both)'
    )
    assert.include(problem({}), 'connection.auth or connection.methods must be declared')
  })

  test('two methods with one id are refused by name', ({ assert }) => {
    assert.include(
      problem({ methods: [tokenMethod, { ...tokenMethod, label: 'Again' }] }),
      'connection.methods[1].id "token" is declared twice'
    )
  })

  test("a method's fields need its validator, and basic names its fields", ({ assert }) => {
    assert.include(
      problem({ methods: [{ ...tokenMethod, validator: undefined }] }),
      'connection.methods[0].validator is required'
    )
    assert.include(
      problem({
        methods: [{ ...tokenMethod, auth: { kind: 'basic', usernameField: 'email' } }],
      }),
      'connection.methods[0].auth.passwordField'
    )
  })

  test('an OAuth method whose resolveAccounts is not a function is refused', ({ assert }) => {
    const oauth = {
      id: 'oauth',
      label: 'OAuth 2.0',
      auth: {
        kind: 'oauth2',
        authorizeUrl: 'https://provider.example/authorize',
        tokenUrl: 'https://provider.example/token',
        clientId: 'id',
        clientSecret: 'secret',
        resolveAccounts: 'sites',
      },
    }
    assert.include(
      problem({ methods: [oauth] }),
      'connection.methods[0].auth.resolveAccounts must be an async function'
    )
  })

  test('an OAuth method whose driver or revokeUrl has the wrong shape is refused', ({ assert }) => {
    const auth = {
      kind: 'oauth2',
      authorizeUrl: 'https://provider.example/authorize',
      tokenUrl: 'https://provider.example/token',
      clientId: 'id',
      clientSecret: 'secret',
    }
    const method = (extra: Record<string, unknown>) => ({
      id: 'oauth',
      label: 'OAuth 2.0',
      auth: { ...auth, ...extra },
    })
    assert.include(
      problem({ methods: [method({ driver: 'AcmeDriver' })] }),
      'connection.methods[0].auth.driver must be a function returning an ally OAuth 2.0 driver'
    )
    assert.include(
      problem({ methods: [method({ revokeUrl: 42 })] }),
      'connection.methods[0].auth.revokeUrl must be a string or a function'
    )
  })
})
