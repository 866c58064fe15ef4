import { test } from '@japa/runner'
import router from '@adonisjs/core/services/router'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'

/**
 * Every route of the router gets the same seeded set of malformed inputs,
 * anonymously and signed in as an owner (with the CSRF token of a page):
 * no answer is a 5xx, none shows a stack frame or a server path, API
 * routes answer JSON, and a refused write leaves every table's row count
 * as it was.
 */

/** tables a refused request may still touch: the session, rate limits, the audit of refusals */
const BOOKKEEPING =
  /^(adonis_schema|sessions?|rate_limits?|limiter|audit_events|cache|locks?|jobs?|queue)/

/** route parameters that are not what a route expects */
const BAD_PARAMS = [
  'abc',
  '0',
  '-1',
  '1e308',
  '__proto__',
  'x'.repeat(300),
  '%E0%A4%A',
  "'%20OR%201=1",
]

type Attempt = { query?: string; body?: string; type?: string }

/** bodies and queries of every malformed kind, in a fixed order */
const ATTEMPTS: Attempt[] = [
  { query: 'page=abc&q[]=x&q[a][b]=1&from=0000-00-00' },
  { query: 'page=1e308&page=-5&q=%00' },
  { body: '{"broken', type: 'application/json' },
  { body: 'null', type: 'application/json' },
  { body: '{"email":"\\ud800","name":"\\u0000","title":"x"}', type: 'application/json' },
  {
    body: '{"id":true,"page":{"a":1},"role":["owner","owner"],"__proto__":{"x":1}}',
    type: 'application/json',
  },
  {
    body: 'email=a%00b%40c.d&name=%07&title[a][b]=1&role=owner&role=viewer',
    type: 'application/x-www-form-urlencoded',
  },
  {
    body: '--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhalf',
    type: 'multipart/form-data; boundary=x',
  },
]

type RouteEntry = { pattern: string; methods: string[]; name?: string }

function routes(): RouteEntry[] {
  return Object.values(router.toJSON()).flat() as RouteEntry[]
}

/** a mulberry32 generator: the same sequence on every run */
function seeded(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let value = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296
  }
}

async function rowCounts() {
  const connection = db.connection()
  const tables = await connection.getAllTables(
    connection.dialect.name === 'postgres' ? ['public'] : undefined
  )
  const counts: Record<string, number> = {}
  for (const table of tables) {
    if (BOOKKEEPING.test(table)) continue
    const [{ total }] = await db.from(table).count('* as total')
    counts[table] = Number(total)
  }
  return counts
}

function fill(pattern: string, random: () => number) {
  return pattern
    .replace(/:[a-zA-Z_]+\??/g, () => BAD_PARAMS[Math.floor(random() * BAD_PARAMS.length)])
    .replace(/\*/g, 'x/y')
}

/** what no answer may hold: a stack frame or a path of the server */
const INTERNALS = /\bat [^\s]+ \(?[^)\s]*:\d+:\d+|\/work\/|node_modules|file:\/\//

test.group('Fuzz | every route refuses malformed input cleanly', (group) => {
  group.each.setup(resetDatabase())

  test('no 5xx, no internals, JSON on API routes, row counts unchanged by refusals', async ({
    assert,
  }) => {
    const owner = await createAccount({ role: 'owner' })
    const signedIn = new WebClient()
    await signedIn.signIn(owner.email, owner.password, owner.totpSecret!)
    await signedIn.get('/settings/members')
    const anonymous = new WebClient()
    await anonymous.get('/sign-in')

    const random = seeded(29)
    const problems: string[] = []
    let sent = 0
    const entries = routes().filter((route) => !/sign-out|logout/.test(route.pattern))
    assert.isAbove(entries.length, 50)
    for (const route of entries) {
      for (const method of route.methods.filter((one) => one !== 'HEAD')) {
        const writes = method !== 'GET'
        const attempts = writes ? ATTEMPTS : ATTEMPTS.filter((attempt) => !attempt.body)
        for (const [index, attempt] of attempts.entries()) {
          const client = index % 2 === 0 ? signedIn : anonymous
          const path = fill(route.pattern, random) + (attempt.query ? `?${attempt.query}` : '')
          const before = writes ? await rowCounts() : null
          const answer = await client.request(method, path, {
            body: attempt.body as unknown as URLSearchParams,
            headers: {
              ...(attempt.type ? { 'content-type': attempt.type } : {}),
              'x-csrf-token': client.csrfToken ?? '',
            },
          })
          sent += 1
          const where = `${method} ${path.slice(0, 120)} (${attempt.type ?? 'query'})`
          if (answer.status >= 500) problems.push(`${where}: ${answer.status}`)
          if (INTERNALS.test(answer.text)) problems.push(`${where}: internals in the body`)
          const isApi = route.pattern.startsWith('/api/')
          const type = answer.headers.get('content-type') ?? ''
          if (isApi && answer.status >= 400 && !type.includes('json')) {
            problems.push(`${where}: ${answer.status} answered ${type || 'no type'}, not JSON`)
          }
          if (before && answer.status >= 400) {
            const after = await rowCounts()
            for (const [table, total] of Object.entries(after)) {
              if (total !== before[table]) {
                problems.push(`${where}: ${answer.status} but ${table} ${before[table]} → ${total}`)
              }
            }
          }
        }
      }
    }
    assert.isAbove(sent, 300)
    assert.deepEqual(problems, [])
  }).timeout(240_000)
})
