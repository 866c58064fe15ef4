import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import limiter from '@adonisjs/limiter/services/main'
import type { Limiter } from '@adonisjs/limiter'
import {
  TooManyAttemptsException,
  assertNotThrottled,
  clearAttempts,
  recordFailedAttempt,
  type ThrottleCheck,
} from '#services/throttle'

/**
 * The attempt throttle behind sign-in and second factors, on the memory
 * store with small limits (the HTTP behaviour, 429 and Retry-After, is in
 * tests/functional/auth/sign_in.spec.ts).
 */
function check(requests = 2): ThrottleCheck {
  return {
    limiter: limiter.use('memory', { requests, duration: '1 minute', blockDuration: '5 minutes' }),
    key: `throttle-test:${randomUUID()}`,
  }
}

async function refusal(checks: ThrottleCheck[]) {
  try {
    await assertNotThrottled(checks)
  } catch (error) {
    return error
  }
  return null
}

test.group('Attempt throttle', () => {
  test('attempts are allowed until the failures reach the limit, then refused', async ({
    assert,
  }) => {
    const account = check(2)
    assert.isNull(await refusal([account]))
    await recordFailedAttempt([account])
    assert.isNull(await refusal([account]), 'one failure of two allowed')
    await recordFailedAttempt([account])

    const refused = await refusal([account])
    assert.instanceOf(refused, TooManyAttemptsException)
    const seconds = (refused as TooManyAttemptsException).retryAfterSeconds
    assert.isAtLeast(seconds, 1)
    assert.isAtMost(seconds, 60)
  })

  test('failures past the limit block for the block duration', async ({ assert }) => {
    const account = check(2)
    for (let attempt = 0; attempt < 3; attempt++) await recordFailedAttempt([account])

    const refused = (await refusal([account])) as TooManyAttemptsException
    assert.instanceOf(refused, TooManyAttemptsException)
    assert.isAbove(refused.retryAfterSeconds, 60, 'blocked, not just out of attempts')
    assert.isAtMost(refused.retryAfterSeconds, 300)
    assert.equal(refused.message, 'Too many attempts. Try again in 5 minutes.')
  })

  test('any one exhausted check refuses, whichever its place', async ({ assert }) => {
    const fresh = check(5)
    const exhausted = check(1)
    await recordFailedAttempt([exhausted])
    assert.instanceOf(await refusal([fresh, exhausted]), TooManyAttemptsException)
    assert.instanceOf(await refusal([exhausted, fresh]), TooManyAttemptsException)
    assert.isNull(await refusal([fresh]))
  })

  test('a failure counts against every check at once', async ({ assert }) => {
    const account = check(1)
    const ip = check(1)
    await recordFailedAttempt([account, ip])
    assert.instanceOf(await refusal([account]), TooManyAttemptsException)
    assert.instanceOf(await refusal([ip]), TooManyAttemptsException)
  })

  test('a success clears the attempts of every check', async ({ assert }) => {
    const account = check(2)
    const ip = check(2)
    for (let attempt = 0; attempt < 3; attempt++) await recordFailedAttempt([account, ip])
    assert.instanceOf(await refusal([account]), TooManyAttemptsException)

    await clearAttempts([account, ip])
    assert.isNull(await refusal([account, ip]))
  })

  test('a store failure while counting is not mistaken for "too many"', async ({ assert }) => {
    const broken = {
      limiter: {
        consume: async () => {
          throw new Error('the limiter store is down')
        },
      } as unknown as Limiter,
      key: 'broken',
    }
    await assert.rejects(() => recordFailedAttempt([broken]), 'the limiter store is down')
  })

  test('the refusal says how long to wait in whole minutes', ({ assert }) => {
    assert.equal(
      new TooManyAttemptsException(1).message,
      'Too many attempts. Try again in 1 minute.'
    )
    assert.equal(
      new TooManyAttemptsException(60).message,
      'Too many attempts. Try again in 1 minute.'
    )
    assert.equal(
      new TooManyAttemptsException(61).message,
      'Too many attempts. Try again in 2 minutes.'
    )
  })
})
