import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import emitter from '@adonisjs/core/services/emitter'
import { resetDatabase } from '#tests/helpers/database'
import { createAllRoundModel, memberWithToken } from './helpers/assistant.js'
import { startFakeModelServer, type FakeModelServer } from './fake_model/fake_model_server.js'
import { glassesForm, jpeg, postGlasses } from './fake_model/glasses.js'

const HISTORY = [
  { role: 'user', content: 'What is the capital of France?' },
  { role: 'assistant', content: 'Paris.' },
]

/** the SQL statements one request sends, through Lucid's db:query events */
async function statementsOf(call: () => Promise<unknown>) {
  const connection = db.manager.get(db.primaryConnectionName)!
  const statements: string[] = []
  const listener = (query: { sql: string }) => statements.push(query.sql)
  connection.config.debug = true
  emitter.on('db:query', listener)
  try {
    await call()
  } finally {
    emitter.off('db:query', listener)
    connection.config.debug = false
  }
  return statements
}

test.group('Glasses endpoint | SQL statements per request', (group) => {
  let fake: FakeModelServer
  group.setup(async () => {
    fake = await startFakeModelServer()
    return () => fake.close()
  })
  group.each.setup(() => fake.reset())
  group.each.setup(resetDatabase)

  test('a spoken question with history, and one with a photo', async ({ assert }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    const headers = { Authorization: `Bearer ${member.token}` }
    const ask = async (image: Buffer | null) => {
      const response = await postGlasses(
        glassesForm({
          messages: HISTORY,
          location: 'Rue de Rivoli, Paris',
          time: '2025-07-02 11:29:48',
          image,
        }),
        headers
      )
      assert.equal(response.status, 200, response.text)
      assert.isNull(response.headers.get('x-noa-failure'))
    }
    await ask(null)
    const text = await statementsOf(() => ask(null))
    const photo = await statementsOf(() => ask(jpeg(200 * 1024)))
    const count = (statements: string[], pattern: RegExp) =>
      statements.filter((sql) => pattern.test(sql)).length
    for (const statements of [text, photo]) {
      // token; user + memberships + organisations + second factor; the
      // organisation's models; the thread; knowledge settings; both
      // messages; the thread's last message time
      assert.lengthOf(statements, 7, statements.join('\n'))
      assert.equal(count(statements, /from [`"]noa_ai_models[`"]/), 1)
      assert.equal(count(statements, /from [`"]memberships[`"]/), 0)
      assert.equal(count(statements, /from [`"]mfa_factors[`"]/), 0)
      assert.equal(count(statements, /^update [`"]auth_access_tokens[`"]/), 0)
      assert.equal(count(statements, /^insert into [`"]noa_messages[`"]/), 1)
    }
  })

  test('a token’s last use is written once a minute, and only for a good secret', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    const form = () => glassesForm({ messages: HISTORY, time: '2025-07-02 11:29:48' })
    const lastUsed = async () => {
      const row = await db
        .from('auth_access_tokens')
        .where('tokenable_id', member.user.id)
        .firstOrFail()
      return row.last_used_at
    }
    assert.isNull(await lastUsed())
    const wrong = member.token.slice(0, -4) + (member.token.endsWith('aaaa') ? 'bbbb' : 'aaaa')
    const refused = await postGlasses(form(), { Authorization: `Bearer ${wrong}` })
    assert.equal(refused.status, 401)
    assert.isNull(await lastUsed(), 'a wrong secret records no use')

    const headers = { Authorization: `Bearer ${member.token}` }
    const answered = await postGlasses(form(), headers)
    assert.equal(answered.status, 200)
    const first = await lastUsed()
    assert.isNotNull(first)
    const writes = await statementsOf(() => postGlasses(form(), headers))
    assert.isFalse(
      writes.some((sql) => /^update [`"]auth_access_tokens[`"]/.test(sql)),
      'a second use within the minute writes nothing'
    )
    assert.deepEqual(await lastUsed(), first)

    // a use more than a minute after the last one is recorded
    const longAgo = new Date(Date.now() - 61_000)
    await db
      .from('auth_access_tokens')
      .where('tokenable_id', member.user.id)
      .update({ last_used_at: longAgo })
    const again = await postGlasses(form(), headers)
    assert.equal(again.status, 200)
    const later = new Date(await lastUsed()).getTime()
    assert.isAbove(later, longAgo.getTime() + 30_000)
  })
  test('without the app’s history, the thread’s turns are read without their photos', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)
    const headers = { Authorization: `Bearer ${member.token}` }
    await postGlasses(glassesForm({ messages: [], image: jpeg(200 * 1024) }), headers)
    fake.setTranscript('And how many people live there?')

    const statements = await statementsOf(() => postGlasses(glassesForm({ messages: [] }), headers))

    const turns = statements.filter((sql) => /^select .* from [`"]noa_messages[`"]/.test(sql))
    assert.lengthOf(turns, 1, statements.join('\n'))
    assert.notInclude(turns[0], 'image_base64')
    assert.notMatch(turns[0], /select \*|[`"]noa_messages[`"]\.\*/)
    // the turns were still read and sent: the earlier question goes with the follow-up
    const sent = fake.requestsTo('chat').at(-1)!.body.messages
    assert.equal(sent.at(1).content, 'What is the capital of France?')
    assert.equal(sent.at(-1).content, 'And how many people live there?')
  })
})
