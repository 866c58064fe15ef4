import { test } from '@japa/runner'
import { apiTokenFrom } from '#services/api_token_header'

const TOKEN = 'sxt_abc.def123'

test.group('The API token a request carries', () => {
  test('reads "Authorization: Bearer <token>", any case of the scheme', ({ assert }) => {
    assert.equal(apiTokenFrom({ authorization: `Bearer ${TOKEN}` }), TOKEN)
    assert.equal(apiTokenFrom({ authorization: `bearer  ${TOKEN} ` }), TOKEN)
  })

  test('reads a bare token in Authorization', ({ assert }) => {
    assert.equal(apiTokenFrom({ authorization: TOKEN }), TOKEN)
  })

  test('reads X-Api-Key with or without "Bearer"', ({ assert }) => {
    assert.equal(apiTokenFrom({ apiKey: TOKEN }), TOKEN)
    assert.equal(apiTokenFrom({ apiKey: `Bearer ${TOKEN}` }), TOKEN)
  })

  test('prefers Authorization when both headers are sent', ({ assert }) => {
    assert.equal(apiTokenFrom({ authorization: `Bearer ${TOKEN}`, apiKey: 'sxt_other.x' }), TOKEN)
  })

  test('reads nothing from another scheme, a value with spaces or empty headers', ({ assert }) => {
    assert.isNull(apiTokenFrom({ authorization: 'Basic dXNlcjpwYXNz' }))
    assert.isNull(apiTokenFrom({ authorization: `Token ${TOKEN}` }))
    assert.isNull(apiTokenFrom({ apiKey: `Bearer ${TOKEN} extra` }))
    assert.isNull(apiTokenFrom({ authorization: '  ', apiKey: '' }))
    assert.isNull(apiTokenFrom({}))
  })
})
