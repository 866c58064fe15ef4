import { test } from '@japa/runner'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer, stopServer, waitForOk } from '#tests/helpers/processes'

/**
 * The security headers of a page, as a snapshot: a change here must be a
 * decision, not an accident.
 */
/**
 * Connect buttons redirect to providers: besides 'self', form-action
 * allows the loaded plugins' OAuth authorize origins (the fixture OAuth
 * plugin's fake provider; Atlassian for Jira, Bitbucket, Microsoft Entra
 * ID for Azure DevOps) and GitHub's web host.
 */
const FORM_ACTION = [
  `'self'`,
  ...[
    process.env.FIXTURE_API_URL!,
    process.env.GITHUB_URL!,
    'https://auth.atlassian.com',
    'https://bitbucket.org',
    'https://login.microsoftonline.com',
  ]
    .map((url) => new URL(url).origin)
    .sort(),
].join(' ')

const EXPECTED = {
  'content-security-policy': `default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;font-src 'self';connect-src 'self';form-action ${FORM_ACTION};frame-ancestors 'none';base-uri 'self';object-src 'none'`,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
}

test.group('Security headers', () => {
  test('a page answers with the reviewed security headers', async ({ client, assert }) => {
    const response = await client.get('/sign-in')
    for (const [name, value] of Object.entries(EXPECTED)) {
      assert.equal(response.header(name), value, name)
    }
    const cookies: string[] = [response.header('set-cookie') ?? []].flat()
    const cookie = cookies.find((line) => line.includes('sextant-session')) ?? ''
    assert.match(cookie, /; HttpOnly/)
    assert.match(cookie, /; SameSite=Lax/)
    assert.notMatch(cookie, /Max-Age|Expires/i)
  })

  test('in production the cookie is Secure and __Host- prefixed, and HSTS lasts a year', async ({
    assert,
  }) => {
    const folder = await mkdtemp(join(tmpdir(), 'sextant-headers-'))
    const server = await startServer({
      NODE_ENV: 'production',
      APP_KEY: 'headers-test-key-not-secret-0123456789abcdef',
      SECRETS_ENCRYPTION_KEYS: 'headers-test-secrets-not-secret-0123456789ab',
      ADMIN_PATH: '/admin-headers-test',
      DB_CONNECTION: 'sqlite',
      SQLITE_PATH: join(folder, 'db.sqlite3'),
      MIGRATE_ON_BOOT: 'true',
    })
    try {
      await waitForOk(`http://127.0.0.1:${server.port}/health`)
      const response = await fetch(`http://127.0.0.1:${server.port}/sign-in`)
      assert.equal(response.status, 200)
      assert.equal(
        response.headers.get('strict-transport-security'),
        'max-age=31536000; includeSubDomains'
      )
      for (const [name, value] of Object.entries(EXPECTED)) {
        assert.equal(response.headers.get(name), value, name)
      }
      const cookie = response.headers
        .getSetCookie()
        .find((line) => line.startsWith('__Host-sextant-session='))
      assert.isString(cookie)
      assert.match(cookie!, /; Path=\//)
      assert.match(cookie!, /; Secure/)
      assert.match(cookie!, /; HttpOnly/)
      assert.notMatch(cookie!, /Domain=|Max-Age|Expires/i)
    } finally {
      await stopServer(server)
      await rm(folder, { recursive: true, force: true })
    }
  }).timeout(90_000)
})
