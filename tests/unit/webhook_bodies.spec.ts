import { test } from '@japa/runner'
import { parseFormBody, parseWebhookBody } from '#services/webhooks/bodies'

test.group('Webhook bodies', () => {
  test('bracketed form names nest, as Mailchimp sends them', ({ assert }) => {
    const body = parseFormBody(
      'type=subscribe&data[email]=a%40example.org&data[merges][FNAME]=Ada&tags[]=x&tags[]=y'
    )
    assert.deepEqual(body, {
      type: 'subscribe',
      data: { email: 'a@example.org', merges: { FNAME: 'Ada' } },
      tags: ['x', 'y'],
    })
  })

  test('names that would reach Object.prototype are dropped', ({ assert }) => {
    const body = parseFormBody('__proto__[polluted]=1&a[constructor][prototype][x]=1&ok=1')
    assert.deepEqual(body, { ok: '1' })
    assert.isUndefined(({} as Record<string, unknown>).polluted)
  })

  test('the content type decides: JSON, forms, GitHub\'s "payload" field, or nothing', ({
    assert,
  }) => {
    assert.deepEqual(parseWebhookBody('{"a":1}', 'application/json; charset=utf-8'), { a: 1 })
    assert.deepEqual(parseWebhookBody('a=1', 'application/x-www-form-urlencoded'), { a: '1' })
    const github = `payload=${encodeURIComponent('{"action":"opened"}')}`
    assert.deepEqual(parseWebhookBody(github, 'application/x-www-form-urlencoded'), {
      action: 'opened',
    })
    assert.isUndefined(parseWebhookBody('<xml/>', 'application/xml'))
    assert.isUndefined(parseWebhookBody('not json', 'application/json'))
  })
})
