import { test } from '@japa/runner'
import { resetDatabase } from '#tests/helpers/database'
import { WebClient } from '#tests/helpers/web_client'

/** the headers every answer carries, whatever its status (see headers.spec.ts) */
const SAME_ON_EVERY_RESPONSE = [
  'content-security-policy',
  'x-frame-options',
  'x-content-type-options',
  'referrer-policy',
  'cross-origin-opener-policy',
  'permissions-policy',
]

/** what must never reach a client: stack frames and the server's paths */
function assertNoInternals(
  assert: { notMatch(text: string, re: RegExp, m?: string): void },
  text: string
) {
  assert.notMatch(text, /\bat .+:\d+:\d+\)?/, 'stack frame')
  assert.notMatch(text, /\/work\/|node_modules|\/home\/|file:\/\//, 'absolute path')
}

test.group('Error responses', (group) => {
  group.each.setup(resetDatabase())

  test('404s, refused requests, redirects and static files carry the page security headers', async ({
    assert,
  }) => {
    const web = new WebClient()
    const page = await web.get('/sign-in')
    const answers = {
      page,
      unknownPath: await web.get('/no/such/page'),
      staticAsset: await web.get('/favicon.svg'),
      redirect: await web.get('/settings/members'),
      forgedForm: await web.post('/sign-in', { email: 'a@b.c', password: 'x' }, { csrf: false }),
      apiWithoutToken: await web.get('/api/v1/me', { accept: 'application/json' }),
      brokenJson: await web.request('POST', '/api/webhooks/fixture', {
        headers: { 'content-type': 'application/json' },
        body: '{"broken' as unknown as URLSearchParams,
      }),
    }
    assert.equal(answers.unknownPath.status, 404)
    assert.equal(answers.staticAsset.status, 200)
    assert.equal(answers.redirect.status, 302)
    assert.equal(answers.forgedForm.status, 403)
    for (const [name, answer] of Object.entries(answers)) {
      for (const header of SAME_ON_EVERY_RESPONSE) {
        assert.equal(answer.headers.get(header), page.headers.get(header), `${name}: ${header}`)
      }
    }
  })

  test('an API client gets { error: { code, message } } JSON, never HTML', async ({ assert }) => {
    const web = new WebClient()
    const unauthenticated = await web.get('/api/v1/me', { accept: 'text/html' })
    assert.equal(unauthenticated.status, 401)
    assert.match(unauthenticated.headers.get('content-type') ?? '', /json/)
    const unknown = await web.get('/api/v1/no-such-thing', { accept: 'text/html' })
    assert.equal(unknown.status, 404)
    assert.deepInclude(JSON.parse(unknown.text).error, { code: 'E_ROUTE_NOT_FOUND' })
    assert.isString(JSON.parse(unknown.text).error.message)
  })

  test('a malformed JSON body to the webhook route is a JSON 400 without internals', async ({
    assert,
  }) => {
    const web = new WebClient()
    for (const body of ['{"broken', 'null', '[1,']) {
      const answer = await web.request('POST', '/api/webhooks/fixture', {
        headers: { 'content-type': 'application/json' },
        body: body as unknown as URLSearchParams,
      })
      assert.isBelow(answer.status, 500, body)
      assert.match(answer.headers.get('content-type') ?? '', /json/, body)
      const parsed = JSON.parse(answer.text)
      assert.isString(parsed.error.code)
      assert.isString(parsed.error.message)
      assertNoInternals(assert, answer.text)
    }
  })

  test('a malformed body to a page is the styled 400 page, never the debug page', async ({
    assert,
  }) => {
    const web = new WebClient()
    await web.get('/sign-in')
    const answer = await web.request('POST', '/sign-in', {
      headers: { 'content-type': 'application/json', 'x-csrf-token': web.csrfToken ?? '' },
      body: '{"email": ' as unknown as URLSearchParams,
    })
    assert.equal(answer.status, 400)
    assert.include(answer.text, 'class="error-card"')
    assert.include(answer.text, 'The request body could not be read')
    assertNoInternals(assert, answer.text)
  })

  test('under htmx a refusal is a fragment holding the message', async ({ assert }) => {
    const web = new WebClient()
    const answer = await web.get('/no/such/page', { 'hx-request': 'true' })
    assert.equal(answer.status, 404)
    assert.include(answer.text, 'data-testid="request-error"')
    assert.notInclude(answer.text, '<html')
  })

  test('a broken percent-encoding in a route parameter is a page or JSON, never plain text', async ({
    assert,
  }) => {
    const web = new WebClient()
    const page = await web.get('/documents/%E0%A4%A')
    assert.isBelow(page.status, 500)
    assert.match(page.headers.get('content-type') ?? '', /html/)
    assert.include(page.text, 'class="error-card"')
    const api = await web.get('/api/v1/documents/%E0%A4%A', { accept: 'application/json' })
    assert.isBelow(api.status, 500)
    assert.match(api.headers.get('content-type') ?? '', /json/)
    assert.isString(JSON.parse(api.text).error.code)
  })

  test('headers over the limit get a 431 page with the security headers, JSON under /api', async ({
    assert,
  }) => {
    const web = new WebClient()
    const query = `?q=${'x'.repeat(100_000)}`
    const page = await web.get(`/documents${query}`)
    assert.equal(page.status, 431)
    assert.include(page.text, 'class="error-card"')
    assert.equal(page.headers.get('x-frame-options'), 'DENY')
    const api = await web.get(`/api/v1/me${query}`)
    assert.equal(api.status, 431)
    assert.equal(JSON.parse(api.text).error.code, 'E_HEADERS_TOO_LARGE')
  })
})
