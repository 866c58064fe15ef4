import { test } from '@japa/runner'
import { createAccount } from '#tests/helpers/accounts'
import { resetDatabase } from '#tests/helpers/database'
import { startServer, stopServer, waitForOk, type ServerProcess } from '#tests/helpers/processes'
import { claimRedisDatabase, redisEnv, type RedisTestDatabase } from '#tests/helpers/redis'
import { WebClient } from '#tests/helpers/web_client'

/**
 * The session id inside the signed session cookie
 * ("s:" + base64url of {"message": id, ...} + "." + signature).
 */
function sessionIdOf(cookie: string) {
  const signed = decodeURIComponent(cookie).replace(/^s:/, '')
  const payload = JSON.parse(Buffer.from(signed.split('.')[0], 'base64url').toString('utf8'))
  return payload.message as string
}

test.group(
  'Redis | sessions and sign-in throttle (SESSION_DRIVER, LIMITER_STORE=redis)',
  (group) => {
    let redis: RedisTestDatabase
    let server: ServerProcess

    group.setup(async () => {
      redis = await claimRedisDatabase()
      server = await startServer(redisEnv(redis))
      await waitForOk(`http://127.0.0.1:${server.port}/health`)
      return async () => {
        await stopServer(server)
        await redis.release()
      }
    })
    group.each.setup(resetDatabase)

    test('a signed-in session lives in Redis, is listed, and sign-out deletes it', async ({
      assert,
    }) => {
      const account = await createAccount({ role: 'member' })
      const web = new WebClient(`http://127.0.0.1:${server.port}`)
      await web.signIn(account.email, account.password, account.totpSecret!)
      const sessionId = sessionIdOf(web.sessionCookie()!)

      assert.deepEqual(await redis.appKeys(), [sessionId, `session_tag:${account.user.id}`].sort())
      const stored = await redis.client.get(`sextant:${sessionId}`)
      assert.include(stored ?? '', 'auth_web', 'the stored session holds the sign-in')
      assert.deepEqual(await redis.client.smembers(`sextant:session_tag:${account.user.id}`), [
        sessionId,
      ])

      const sessions = await web.get('/settings/sessions')
      assert.equal(sessions.status, 200, server.output())
      assert.match(sessions.text, /This (session|device)/i)

      const signedOut = await web.post('/sign-out')
      assert.equal(signedOut.status, 302)
      assert.isNull(await redis.client.get(`sextant:${sessionId}`))
      assert.notInclude(await redis.appKeys(), sessionId)
      assert.equal((await web.get('/settings/sessions')).location, '/sign-in')
    }).timeout(60_000)

    test('failed sign-ins are counted in Redis: the 6th within a minute gets 429', async ({
      assert,
    }) => {
      const account = await createAccount({ role: 'member' })
      const web = new WebClient(`http://127.0.0.1:${server.port}`)
      for (let attempt = 1; attempt <= 5; attempt++) {
        const response = await web.submitPassword(account.email, 'Wrong-Password-000')
        assert.equal(response.status, 422, `attempt ${attempt}`)
      }
      const counters = (await redis.appKeys()).filter((key) => key.includes(account.email))
      assert.isNotEmpty(counters, 'the per-account counter is a Redis key')

      const sixth = await web.submitPassword(account.email, account.password)
      assert.equal(sixth.status, 429)
      assert.isAbove(Number(sixth.headers.get('retry-after')), 0)
    }).timeout(60_000)
  }
)
