import { test } from '@japa/runner'
import env from '#start/env'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount, type TestAccount } from '#tests/helpers/accounts'
import CreateApiToken from '#actions/tokens/create_api_token'
import { CLI_META } from '#services/audit'

const BASE = () => `http://${process.env.HOST}:${process.env.PORT}`

/** sets limits for one test; the returned function restores the defaults */
function limits(values: Record<string, number>) {
  for (const [name, value] of Object.entries(values)) env.set(name, String(value))
  return () => {
    for (const name of Object.keys(values)) env.set(name, '')
  }
}

async function tokenFor(account: TestAccount) {
  const { value } = await new CreateApiToken().execute({
    user: account.user,
    membership: account.membership,
    name: 'script',
    abilities: ['read'],
    expiresInDays: 1,
    meta: CLI_META,
  })
  return value
}

function listDocuments(token: string) {
  return fetch(`${BASE()}/api/v1/documents`, { headers: { authorization: `Bearer ${token}` } })
}

/** the members of a structured-field list: [name, { param: value }] */
function parseList(field: string | null) {
  return (field ?? '').split(',').map((member) => {
    const [name, ...params] = member.trim().split(';')
    return [
      JSON.parse(name),
      Object.fromEntries(params.map((param) => param.split('=')).map(([k, v]) => [k, Number(v)])),
    ] as [string, Record<string, number>]
  })
}

test.group('API rate limits | per token and per organisation', (group) => {
  group.each.setup(resetDatabase())

  test('a token past its budget gets 429 with Retry-After and a JSON reason', async ({
    assert,
    cleanup,
  }) => {
    cleanup(limits({ API_RATE_LIMIT_PER_TOKEN: 3 }))
    const token = await tokenFor(await createAccount({ role: 'member' }))
    for (let i = 0; i < 3; i += 1) assert.equal((await listDocuments(token)).status, 200)

    const refused = await listDocuments(token)
    assert.equal(refused.status, 429)
    const retryAfter = Number(refused.headers.get('retry-after'))
    assert.isTrue(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60)
    assert.match(refused.headers.get('content-type') ?? '', /json/)
    assert.include(JSON.stringify(await refused.json()), '3 a minute')
  })

  test('every answer advertises the policies and what is left of them', async ({
    assert,
    cleanup,
  }) => {
    cleanup(limits({ API_RATE_LIMIT_PER_TOKEN: 5, API_RATE_LIMIT_PER_ORGANIZATION: 8 }))
    const token = await tokenFor(await createAccount({ role: 'member' }))
    await listDocuments(token)
    const second = await listDocuments(token)

    const policies = Object.fromEntries(parseList(second.headers.get('ratelimit-policy')))
    assert.deepEqual(policies['api-token'], { q: 5, w: 60 })
    assert.deepEqual(policies['organization'], { q: 8, w: 60 })
    const current = Object.fromEntries(parseList(second.headers.get('ratelimit')))
    assert.equal(current['api-token'].r, 3)
    assert.equal(current['organization'].r, 6)
    assert.isTrue(current['api-token'].t >= 1 && current['api-token'].t <= 60)
  })

  test('the tokens of one organisation share its budget; another organisation is not affected', async ({
    assert,
    cleanup,
  }) => {
    cleanup(limits({ API_RATE_LIMIT_PER_TOKEN: 100, API_RATE_LIMIT_PER_ORGANIZATION: 4 }))
    const first = await createAccount({ role: 'member' })
    const second = await createAccount({ role: 'member', organization: first.organization })
    const stranger = await createAccount({ role: 'member' })
    const [a, b, c] = await Promise.all([first, second, stranger].map(tokenFor))

    for (const token of [a, b, a, b]) assert.equal((await listDocuments(token)).status, 200)
    const refused = await listDocuments(b)
    assert.equal(refused.status, 429)
    assert.include(JSON.stringify(await refused.json()), 'organisation')
    assert.equal((await listDocuments(c)).status, 200)
  })
})

test.group('Webhook rate limits | per source plugin', (group) => {
  group.each.setup(resetDatabase())

  test('a flood from one plugin is refused before it is stored; pages still answer', async ({
    assert,
    cleanup,
  }) => {
    cleanup(limits({ WEBHOOK_RATE_LIMIT_PER_PLUGIN: 2 }))
    const send = () =>
      fetch(`${BASE()}/api/webhooks/fixture`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-fixture-delivery': 'x' },
        body: '{}',
      })
    // unsigned: refused by the plugin, but counted against its budget
    assert.equal((await send()).status, 401)
    assert.equal((await send()).status, 401)
    const refused = await send()
    assert.equal(refused.status, 429)
    assert.isAbove(Number(refused.headers.get('retry-after')), 0)
    assert.equal(((await refused.json()) as any).error.code, 'E_TOO_MANY_REQUESTS')

    assert.equal((await fetch(`${BASE()}/sign-in`)).status, 200)
    // a plugin that receives no webhooks is answered 404, not counted
    const unknown = await fetch(`${BASE()}/api/webhooks/nope`, { method: 'POST', body: '{}' })
    assert.equal(unknown.status, 404)
  })
})
