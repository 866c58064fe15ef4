import { test } from '@japa/runner'
import vine from '@vinejs/vine'
import '#start/validator'

const validator = vine.create({ limit: vine.number().withoutDecimals().range([0, 100]) })

test.group('Validation | numbers', () => {
  test('a form field holding digits is a number', async ({ assert }) => {
    assert.deepEqual(await validator.validate({ limit: '42' }), { limit: 42 })
    assert.deepEqual(await validator.validate({ limit: 7 }), { limit: 7 })
  })

  test('a boolean is not a number, even true', async ({ assert }) => {
    for (const limit of [true, false]) {
      await assert.rejects(() => validator.validate({ limit }))
    }
  })

  test('a list holding one number is not a number', async ({ assert }) => {
    await assert.rejects(() => validator.validate({ limit: ['5'] }))
  })
})
