import { test } from '@japa/runner'
import { readFile } from 'node:fs/promises'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { allRoutes, describeRoute, isUnauthenticated } from '#tests/helpers/routes'
import { WebClient } from '#tests/helpers/web_client'

const SIGN_IN_REDIRECTS = ['/sign-in', '/sign-in/mfa', '/mfa/setup']

/**
 * A route refused a client when it does not do its work: a redirect to a
 * sign-in step, a 401, or a 404 (the admin area hides itself).
 */
function refused(response: { status: number; location: string | null }) {
  if (response.status === 401 || response.status === 404) return true
  return response.status === 302 && SIGN_IN_REDIRECTS.includes(response.location ?? '')
}

async function publicRouteList(): Promise<string[]> {
  const fixture = JSON.parse(
    await readFile(new URL('../../fixtures/public_routes.json', import.meta.url), 'utf8')
  )
  return fixture.routes
}

test.group('Route protection', (group) => {
  group.each.setup(resetDatabase)

  test('the routes reachable without signing in are exactly the reviewed list', async ({
    assert,
  }) => {
    const unauthenticated = allRoutes().filter(isUnauthenticated).map(describeRoute)
    assert.deepEqual(unauthenticated.sort(), (await publicRouteList()).sort())
  })

  test('every other route refuses a signed-out client', async ({ assert }) => {
    for (const route of allRoutes().filter((entry) => !isUnauthenticated(entry))) {
      const web = new WebClient()
      await web.get('/sign-in')
      const response =
        route.method === 'GET'
          ? await web.get(route.path)
          : await web.request(route.method, route.path, {
              body: new URLSearchParams({ _csrf: web.csrfToken ?? '' }),
            })
      assert.isTrue(
        refused(response),
        `${describeRoute(route)} answered ${response.status} ${response.location}`
      )
    }
  }).timeout(120_000)

  test('every protected route refuses a session that has not passed the second factor', async ({
    assert,
  }) => {
    const account = await createAccount()
    const web = new WebClient()
    const step = await web.submitPassword(account.email, account.password)
    assert.equal(step.location, '/sign-in/mfa')
    await web.get('/sign-in/mfa')
    for (const route of allRoutes()) {
      if (isUnauthenticated(route) || route.pattern.startsWith('/api/')) continue
      const response =
        route.method === 'GET'
          ? await web.get(route.path)
          : await web.request(route.method, route.path, {
              body: new URLSearchParams({ _csrf: web.csrfToken ?? '' }),
            })
      assert.isTrue(
        refused(response),
        `${describeRoute(route)} answered ${response.status} ${response.location}`
      )
    }
  }).timeout(120_000)

  test('every form route refuses a POST without a CSRF token with 403', async ({ assert }) => {
    const account = await createAccount({ role: 'owner', superuser: true })
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    for (const route of allRoutes()) {
      // Token-authenticated routes (the API, plugin token routes) carry no
      // session, so CSRF does not apply to them.
      if (route.method === 'GET' || route.pattern.startsWith('/api/')) continue
      if (route.middleware.includes('apiAuth')) continue
      const response = await web.post(route.path, {}, { csrf: false })
      assert.equal(response.status, 403, describeRoute(route))
    }
    // Still signed in: the refusals did not end the session.
    assert.equal((await web.get('/')).status, 200)
  }).timeout(120_000)

  test('the token API answers 401 JSON without a valid token', async ({ client }) => {
    const response = await client.get('/api/v1/me')
    response.assertStatus(401)
    response.assertBodyContains({ errors: [{ message: 'A valid API token is required' }] })
  })
})
