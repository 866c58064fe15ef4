import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { MessageBuilder } from '@adonisjs/core/helpers'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'

/**
 * A signed-in page view writes its session row at most once a minute
 * (issue #24: a write per request was most of a page's SQL); sessions
 * still expire on time.
 */
async function signedIn() {
  const account = await createAccount()
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  return { account, web }
}

async function sessionRow(userId: number) {
  const row = await db.from('sessions').where('user_id', String(userId)).firstOrFail()
  const data = new MessageBuilder().verify<Record<string, any>>(row.data, row.id)!
  return { id: row.id as string, raw: row, data, expiresAt: new Date(row.expires_at).getTime() }
}

async function rewrite(id: string, data: Record<string, any>, expiresAt: number) {
  await db
    .from('sessions')
    .where('id', id)
    .update({
      data: new MessageBuilder().build(data, undefined, id),
      expires_at: new Date(expiresAt),
    })
}

test.group('Sessions | writes', (group) => {
  group.each.setup(resetDatabase)

  test('page views within a minute of the last leave the session row untouched', async ({
    assert,
  }) => {
    const { account, web } = await signedIn()
    assert.equal((await web.get('/')).status, 200)
    const before = await sessionRow(account.user.id)
    assert.equal((await web.get('/')).status, 200)
    assert.equal((await web.get('/insights')).status, 200)
    const after = await sessionRow(account.user.id)
    assert.equal(after.raw.data, before.raw.data)
    assert.equal(after.expiresAt, before.expiresAt)
  })

  test('a signed-in page reads its user, memberships and organisations in one statement', async ({
    assert,
  }) => {
    const { web } = await signedIn()
    assert.equal((await web.get('/')).status, 200)
    const statements: string[] = []
    const knex = db.connection().getWriteClient()
    const listen = (query: { sql: string }) => statements.push(query.sql)
    knex.on('query', listen)
    try {
      assert.equal((await web.get('/')).status, 200)
    } finally {
      knex.off('query', listen)
    }
    const identity = statements.filter((sql) => /from [`"]?(users|memberships)[`"]?/i.test(sql))
    assert.lengthOf(identity, 1, identity.join('\n'))
    assert.match(identity[0], /join [`"]?memberships[`"]?/i)
    assert.match(identity[0], /join [`"]?organizations[`"]?/i)
  })

  test('a page view a minute after the last records the activity', async ({ assert }) => {
    const { account, web } = await signedIn()
    const row = await sessionRow(account.user.id)
    const aMinuteAgo = Date.now() - 61_000
    await rewrite(row.id, { ...row.data, 'auth.lastSeenAt': aMinuteAgo }, row.expiresAt - 61_000)

    assert.equal((await web.get('/')).status, 200)
    const after = await sessionRow(account.user.id)
    assert.isAbove(after.data['auth.lastSeenAt'], aMinuteAgo + 60_000)
    assert.isAbove(after.expiresAt, row.expiresAt - 61_000 + 60_000)
  })

  test('an unchanged session refreshed over a minute ago has its expiry moved', async ({
    assert,
  }) => {
    const { account, web } = await signedIn()
    // the first page view remembers the organisation acted on
    assert.equal((await web.get('/')).status, 200)
    const row = await sessionRow(account.user.id)
    const stale = row.expiresAt - 61_000
    await rewrite(row.id, row.data, stale)

    assert.equal((await web.get('/')).status, 200)
    const after = await sessionRow(account.user.id)
    assert.isAbove(after.expiresAt, stale + 60_000)
    assert.equal(after.raw.data, row.raw.data)
  })

  test('a session row past its expiry signs out, however recent its last activity', async ({
    assert,
  }) => {
    const { account, web } = await signedIn()
    const row = await sessionRow(account.user.id)
    await rewrite(row.id, { ...row.data, 'auth.lastSeenAt': Date.now() }, Date.now() - 1000)

    const response = await web.get('/')
    assert.equal(response.status, 302)
    assert.equal(response.location, '/sign-in')
  })

  test('the idle timeout still counts from the last recorded activity', async ({ assert }) => {
    const { account, web } = await signedIn()
    const row = await sessionRow(account.user.id)
    // just past 30 minutes: the unrecorded views of the last minute do not extend it
    await rewrite(
      row.id,
      { ...row.data, 'auth.lastSeenAt': Date.now() - 30 * 60_000 - 1000 },
      row.expiresAt
    )

    const response = await web.get('/')
    assert.equal(response.status, 302)
    assert.equal(response.location, '/sign-in')
  })
})
