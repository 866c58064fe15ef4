import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'

async function signedIn(options: { superuser?: boolean; role?: 'owner' } = {}) {
  const account = await createAccount(options)
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  await web.get('/settings/members')
  return { account, web }
}

async function count(table: string) {
  const [{ total }] = await db.from(table).count('* as total')
  return Number(total)
}

/** a JSON body written by hand: JSON.stringify would not keep a lone surrogate as an escape */
function rawJson(web: WebClient, path: string, body: string) {
  return web.request('POST', path, {
    body: body as unknown as URLSearchParams,
    headers: {
      'content-type': 'application/json',
      'accept': 'application/json',
      'x-csrf-token': web.csrfToken ?? '',
    },
  })
}

test.group('Bad input | text no field may hold', (group) => {
  group.each.setup(resetDatabase())

  test('a lone surrogate in an email is a 422 before the email rule runs, not a 500', async ({
    assert,
  }) => {
    const { web } = await signedIn({ role: 'owner' })
    const invitesBefore = await count('invites')
    const answer = await rawJson(
      web,
      '/settings/members/invites',
      '{"email": "\\ud800", "role": "member"}'
    )
    assert.equal(answer.status, 422)
    assert.equal(JSON.parse(answer.text).error.code, 'E_INVALID_TEXT')
    assert.include(JSON.parse(answer.text).error.message, '"email"')
    assert.equal(await count('invites'), invitesBefore)
  })

  test('an invitation accepted with a lone surrogate is a 422, anonymously too', async ({
    assert,
  }) => {
    const web = new WebClient()
    await web.get('/sign-in')
    const answer = await rawJson(
      web,
      '/invitations/some-token',
      '{"email": "x\\udc00@example.org", "password": "Marble-Harbour-Kettle-93"}'
    )
    assert.equal(answer.status, 422)
  })

  test('a NUL byte or another control character in a form field is refused and nothing stored', async ({
    assert,
  }) => {
    const { web } = await signedIn({ role: 'owner' })
    const usersBefore = await count('users')
    const invitesBefore = await count('invites')
    for (const email of ['a\u0000b@example.org', 'a\u0007b@example.org']) {
      const answer = await web.post('/settings/members/invites', { email, role: 'member' })
      assert.equal(answer.status, 422, JSON.stringify(email))
      assert.include(answer.text, 'control character')
    }
    assert.equal(await count('invites'), invitesBefore)
    assert.equal(await count('users'), usersBefore)
  })

  test('tab and new lines are ordinary text', async ({ assert }) => {
    const web = new WebClient()
    await web.get('/sign-in')
    const answer = await web.post('/sign-in', { email: 'someone@example.org', password: 'a\tb\nc' })
    assert.notInclude(answer.text, 'control character')
    assert.isBelow(answer.status, 500)
  })
})

test.group('Bad input | list filters', (group) => {
  group.each.setup(resetDatabase())

  test('the admin users list refuses a repeated, nested or malformed query with 422, never 500', async ({
    assert,
  }) => {
    const { web } = await signedIn({ superuser: true })
    const admin = process.env.ADMIN_PATH
    for (const query of [
      'q[]=x',
      'q=1&q=2',
      'q[a][b]=1',
      'page=abc',
      'page=-5',
      'page=0',
      'page=1e308',
    ]) {
      const answer = await web.get(`${admin}/users?${query}`)
      assert.equal(answer.status, 422, query)
      assert.include(answer.text, 'data-testid="error-message"', query)
      assert.include(answer.text, `href="${admin}/users"`, query)
    }
    const fine = await web.get(`${admin}/users?q=person&page=1`)
    assert.equal(fine.status, 200)
  })

  test('Documents and the audit log answer a bad filter with 422, the reason above the list and the whole list', async ({
    assert,
  }) => {
    const { web } = await signedIn({ role: 'owner' })
    for (const path of ['/documents', '/settings/audit']) {
      for (const query of ['page=abc', 'page=1e308', 'page=-5']) {
        const answer = await web.get(`${path}?${query}`)
        assert.equal(answer.status, 422, `${path}?${query}`)
        assert.include(answer.text, 'This filter could not be used', `${path}?${query}`)
      }
      const fine = await web.get(path)
      assert.equal(fine.status, 200)
      assert.notInclude(fine.text, 'This filter could not be used')
    }
  })
})
