import { test } from '@japa/runner'
import { FormRefusalException, withoutSecrets } from '#exceptions/form_refusal'
import { describeRefusal } from '#exceptions/refusals'

test.group('Refused forms', () => {
  test('the input put back in a refused form holds no password, code, token or key', ({
    assert,
  }) => {
    const kept = withoutSecrets({
      email: 'a@example.org',
      fullName: 'Ada',
      password: 'Marble-Harbour-Kettle-93',
      currentPassword: 'Old-Harbour-Kettle-93',
      passwordConfirmation: 'Marble-Harbour-Kettle-93',
      code: '123456',
      _csrf: 'csrf-token',
      fields: { baseUrl: 'https://example.org', apiToken: 'tok_secret', clientSecret: 's3cret' },
      abilities: ['read', 'write'],
    })
    assert.deepEqual(kept, {
      email: 'a@example.org',
      fullName: 'Ada',
      fields: { baseUrl: 'https://example.org' },
      abilities: ['read', 'write'],
    })
  })

  test('a refusal carries its status, code, field and Retry-After to the handler', ({ assert }) => {
    class NameTakenException extends FormRefusalException {
      static status = 409
      static code = 'E_NAME_TAKEN'
    }
    const refusal = describeRefusal(
      new NameTakenException('That name is taken.', { field: 'name', retryAfter: 30 })
    )
    assert.deepEqual(refusal, {
      status: 409,
      code: 'E_NAME_TAKEN',
      message: 'That name is taken.',
      field: 'name',
      retryAfter: 30,
    })
    assert.equal(describeRefusal(new FormRefusalException('No.')).field, null)
    assert.isUndefined(describeRefusal(new Error('plain')).field)
  })
})
