import { test } from '@japa/runner'
import sextantConfig from '#config/sextant'
import PasswordReset from '#models/password_reset'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { mailsTo } from '#tests/helpers/smtp'
import { WebClient, withoutCsrf } from '#tests/helpers/web_client'

async function askForReset(email: string, address: string) {
  const web = new WebClient()
  await web.get('/password/forgot')
  const response = await web.post(
    '/password/forgot',
    { email },
    { headers: { 'x-forwarded-for': address } }
  )
  return { status: response.status, body: withoutCsrf(response.text) }
}

test.group('Security | mail cannot be sent to anyone, fast', (group) => {
  group.each.setup(resetDatabase())

  test('the 4th reset mail to one address within an hour is not sent, and the answer is the same', async ({
    assert,
  }) => {
    const victim = await createAccount()
    const answers = []
    for (let attempt = 1; attempt <= 4; attempt++) {
      answers.push(await askForReset(victim.email, `203.0.113.${attempt}`))
    }
    assert.lengthOf(mailsTo(victim.email), 3)
    for (const answer of answers) {
      assert.equal(answer.status, answers[0].status)
      assert.equal(answer.body, answers[0].body)
    }
  })

  test('a held-back reset leaves the last mailed link working', async ({ assert }) => {
    const victim = await createAccount()
    for (let attempt = 1; attempt <= 5; attempt++) {
      await askForReset(victim.email, `203.0.113.${attempt}`)
    }
    const live = await PasswordReset.query().whereNull('used_at')
    assert.lengthOf(live, 1, 'only the 3rd mail’s link is live, not voided by held-back requests')
  })

  test('one address cannot mail many people: the requester budget is spent', async ({ assert }) => {
    const people = await Promise.all(Array.from({ length: 12 }, () => createAccount()))
    for (const person of people) await askForReset(person.email, '203.0.113.50')
    const mailed = people.filter((person) => mailsTo(person.email).length > 0)
    assert.lengthOf(mailed, 10)
  }).timeout(60_000)

  test('sign-up mails to a third-party address stop after 3 an hour', async ({ assert }) => {
    const previous = sextantConfig.auth.signupMode
    sextantConfig.auth.signupMode = 'open'
    try {
      for (let attempt = 1; attempt <= 5; attempt++) {
        const web = new WebClient()
        await web.get('/sign-up')
        const response = await web.post(
          '/sign-up',
          { email: 'someone.else@example.net' },
          { headers: { 'x-forwarded-for': `203.0.113.${60 + attempt}` } }
        )
        assert.equal(response.status, 200)
      }
      assert.lengthOf(mailsTo('someone.else@example.net'), 3)
    } finally {
      sextantConfig.auth.signupMode = previous
    }
  })
})
