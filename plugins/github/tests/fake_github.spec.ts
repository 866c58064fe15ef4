import { generateKeyPairSync } from 'node:crypto'
import { test } from '@japa/runner'
import { startFakeGitHub } from './fake_github/server.js'
import {
  appJwt,
  bodyOf,
  call,
  listTarball,
  mintToken,
  statusOf,
} from './fake_github/test_helpers.js'

/**
 * The fake GitHub checked against GitHub's documented REST contract,
 * with nothing but fetch and node:crypto, the way a real client sees it.
 */
const APP_ID = 4242
const appKeys = generateKeyPairSync('rsa', { modulusLength: 2048 })
const strangerKeys = generateKeyPairSync('rsa', { modulusLength: 2048 })
const jwt = (shiftSeconds = 0) => appJwt(appKeys.privateKey, APP_ID, shiftSeconds)

async function startFake(cleanup: (fn: () => Promise<void>) => void) {
  const fake = await startFakeGitHub({
    port: 0,
    appId: APP_ID,
    publicKeyPem: appKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    clientId: 'Iv1.fakeclient',
    clientSecret: 'fake-secret',
    appSlug: 'sextant-test',
  })
  cleanup(() => fake.stop())
  fake.addInstallation({ id: 1, account: { login: 'acme' } })
  return fake
}

test.group('Fake GitHub', () => {
  test('refuses a JWT signed by another key or expired; a good one reads the App', async ({
    assert,
    cleanup,
  }) => {
    const fake = await startFake(cleanup)
    const stranger = await call(fake, '/app', appJwt(strangerKeys.privateKey, APP_ID))
    assert.equal(stranger.status, 401)
    assert.equal(stranger.body.message, 'A JSON web token could not be decoded')
    assert.equal(await statusOf(call(fake, '/app', jwt(-1200))), 401)
    assert.equal(await statusOf(call(fake, '/app')), 401)

    const good = await call(fake, '/app', jwt())
    assert.equal(good.status, 200)
    assert.containsSubset(good.body, {
      id: APP_ID,
      slug: 'sextant-test',
      client_id: 'Iv1.fakeclient',
    })
    assert.deepEqual(
      fake.requests.map((request) => request.authorization),
      ['jwt', 'jwt', 'none', 'jwt']
    )
  })

  test('mints and counts installation tokens; a suspended installation gets 403', async ({
    assert,
    cleanup,
  }) => {
    const fake = await startFake(cleanup)
    fake.addInstallation({ id: 2, account: { login: 'frozen' }, suspended: true })
    const minted = await call(fake, '/app/installations/1/access_tokens', jwt(), { method: 'POST' })
    assert.equal(minted.status, 201)
    assert.match(minted.body.token, /^ghs_[A-Za-z0-9]{36}$/)
    assert.match(minted.body.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    assert.closeTo(Date.parse(minted.body.expires_at) - Date.now(), 3600_000, 5000)
    assert.equal(fake.tokensIssued, 1)

    const suspended = await call(fake, '/app/installations/2/access_tokens', jwt(), {
      method: 'POST',
    })
    assert.equal(suspended.status, 403)
    assert.equal(suspended.body.message, 'This installation has been suspended')
    assert.equal(await statusOf(call(fake, '/app/installations/99', jwt())), 404)
    // An installation token is no JWT: the App's endpoints refuse it.
    assert.equal(await statusOf(call(fake, '/app', minted.body.token)), 401)
    assert.equal(fake.tokensIssued, 1)
  })

  test('paginates installation repositories with Link and binds tokens to their installation', async ({
    assert,
    cleanup,
  }) => {
    const fake = await startFake(cleanup)
    fake.addInstallation({ id: 2, account: { login: 'other' } })
    fake.seedOrganization(1, 5, 0)
    fake.addRepository(2, { name: 'secret' })
    const token = await mintToken(fake, 1, jwt())

    const listed = await call(fake, '/installation/repositories?per_page=2', token)
    assert.equal(listed.body.total_count, 5)
    assert.deepEqual(
      listed.body.repositories.map((repo: { full_name: string }) => repo.full_name),
      ['acme/repo-00', 'acme/repo-01']
    )
    assert.containsSubset(listed.body.repositories[0], {
      owner: { login: 'acme', type: 'Organization' },
      visibility: 'public',
    })
    const link = listed.headers.get('link')!
    assert.include(link, `<${fake.url}/installation/repositories?per_page=2&page=2>; rel="next"`)
    assert.include(link, `<${fake.url}/installation/repositories?per_page=2&page=3>; rel="last"`)
    assert.equal(await statusOf(call(fake, '/repos/other/secret', token)), 404)
    assert.equal(await statusOf(call(fake, '/repos/acme/repo-01', token)), 200)
    assert.equal(fake.requests.at(-1)!.installationToken, token)
  })

  test('sorts pull requests by updated desc, paginates, and moves an updated one first', async ({
    assert,
    cleanup,
  }) => {
    const fake = await startFake(cleanup)
    fake.seedOrganization(1, 2, 45)
    const token = await mintToken(fake, 1, jwt())
    const list = (page: number) =>
      call(
        fake,
        `/repos/acme/repo-01/pulls?state=all&sort=updated&direction=desc&per_page=20&page=${page}`,
        token
      )

    const first = await list(1)
    const updated = first.body.map((pull: { updated_at: string }) => Date.parse(pull.updated_at))
    assert.deepEqual(
      updated,
      [...updated].sort((a, b) => b - a)
    )
    assert.equal(new Set(updated).size, 20)
    assert.include(first.headers.get('link')!, 'page=3>; rel="last"')
    assert.lengthOf(await bodyOf(list(3)), 5)
    assert.notProperty(first.body[0], 'additions')
    assert.containsSubset(first.body[0], { head: { repo: { full_name: 'acme/repo-01' } } })

    fake.updatePullRequest('acme/repo-01', 7, { title: 'Renamed', state: 'closed' })
    const [latest] = await bodyOf(list(1))
    assert.containsSubset(latest, { number: 7, title: 'Renamed', state: 'closed' })
    const detail = await call(fake, '/repos/acme/repo-01/pulls/7', token)
    assert.isNumber(detail.body.additions)
    assert.isFalse(detail.body.merged)
  })

  test('answers 304 to a matching ETag without spending rate limit; ETags differ per token', async ({
    assert,
    cleanup,
  }) => {
    const fake = await startFake(cleanup)
    fake.addRepository(1, { name: 'web' })
    const token = await mintToken(fake, 1, jwt())
    const otherToken = await mintToken(fake, 1, jwt())

    const first = await call(fake, '/repos/acme/web', token)
    const etag = first.headers.get('etag')!
    assert.match(etag, /^"[0-9a-f]{64}"$/)
    assert.equal(first.headers.get('x-ratelimit-resource'), 'core')
    const remaining = Number(first.headers.get('x-ratelimit-remaining'))
    const ifNoneMatch = { headers: { 'if-none-match': etag } }
    const cached = await call(fake, '/repos/acme/web', token, ifNoneMatch)
    assert.equal(cached.status, 304)
    assert.equal(cached.body, '')
    assert.equal(Number(cached.headers.get('x-ratelimit-remaining')), remaining)

    const other = await call(fake, '/repos/acme/web', otherToken, ifNoneMatch)
    assert.equal(other.status, 200)
    assert.notEqual(other.headers.get('etag'), etag)
    const again = await call(fake, '/repos/acme/web', token)
    assert.equal(Number(again.headers.get('x-ratelimit-remaining')), remaining - 1)
  })

  test('redirects a tarball to codeload, which streams a gzip tar under one top folder', async ({
    assert,
    cleanup,
  }) => {
    const fake = await startFake(cleanup)
    fake.addRepository(1, { name: 'web', files: { 'README.md': '# web\n', 'src/app.ts': '' } })
    const token = await mintToken(fake, 1, jwt())

    const redirect = await call(fake, '/repos/acme/web/tarball/main', token)
    assert.equal(redirect.status, 302)
    const location = redirect.headers.get('location')!
    assert.match(location, /\/_codeload\/acme\/web\/legacy\.tar\.gz\/[0-9a-f]{40}\?token=\w+$/)
    assert.isTrue(location.startsWith(fake.url))
    const top = fake.tarballPrefix('acme/web')
    assert.match(top, /^acme-web-[0-9a-f]{7}\/$/)
    const archive = await listTarball(location)
    assert.equal(archive.contentType, 'application/x-gzip')
    assert.deepEqual(
      archive.entries.map(({ name, type }) => `${type} ${name}`),
      [`directory ${top}`, `file ${top}README.md`, `directory ${top}src/`, `file ${top}src/app.ts`]
    )
    const forged = await call(fake, location.replace(/token=\w+/, 'token=forged'))
    assert.equal(forged.status, 404)
  })

  test('writes malicious tarball entries verbatim and streams large ones', async ({
    assert,
    cleanup,
  }) => {
    const fake = await startFake(cleanup)
    fake.addRepository(1, { name: 'web' })
    const top = fake.tarballPrefix('acme/web')
    const big = 3 * 1024 * 1024 + 7
    fake.setTarballEntries('acme/web', [
      { name: `${top}../evil`, type: 'file', content: 'owned' },
      { name: '/etc/cron.d/evil', type: 'file', content: 'owned' },
      { name: `${top}link`, type: 'symlink', linkname: '/etc/passwd' },
      { name: `${top}hard`, type: 'link', linkname: '/etc/shadow' },
      { name: `${top}big.bin`, type: 'file', size: big },
    ])
    const token = await mintToken(fake, 1, jwt())
    const redirect = await call(fake, '/repos/acme/web/tarball', token)
    const { entries } = await listTarball(redirect.headers.get('location')!)
    assert.deepEqual(entries, [
      { name: top, type: 'directory', size: 0, linkname: null },
      { name: `${top}../evil`, type: 'file', size: 5, linkname: null },
      { name: '/etc/cron.d/evil', type: 'file', size: 5, linkname: null },
      { name: `${top}link`, type: 'symlink', size: 0, linkname: '/etc/passwd' },
      { name: `${top}hard`, type: 'link', size: 0, linkname: '/etc/shadow' },
      { name: `${top}big.bin`, type: 'file', size: big, linkname: null },
    ])
  })

  test('OAuth: authorize, exchange the code once, list the user’s installations', async ({
    assert,
    cleanup,
  }) => {
    const fake = await startFake(cleanup)
    for (const id of [2, 3]) fake.addInstallation({ id, account: { login: `org-${id}` } })
    fake.addUser({ login: 'mona', installationIds: [1, 3] })
    const callback = encodeURIComponent('http://app.test/callback')
    const authorize = await call(
      fake,
      `/login/oauth/authorize?client_id=Iv1.fakeclient&redirect_uri=${callback}&state=xyz`
    )
    assert.equal(authorize.status, 302)
    const back = new URL(authorize.headers.get('location')!)
    assert.equal(`${back.origin}${back.pathname}`, 'http://app.test/callback')
    assert.equal(back.searchParams.get('state'), 'xyz')

    const form = new URLSearchParams({
      client_id: 'Iv1.fakeclient',
      client_secret: 'fake-secret',
      code: back.searchParams.get('code')!,
    })
    const exchange = () =>
      call(fake, '/login/oauth/access_token', undefined, {
        method: 'POST',
        body: form,
        headers: { accept: '*/*' },
      })
    const granted = await exchange()
    assert.match(granted.headers.get('content-type')!, /^application\/x-www-form-urlencoded/)
    const grant = new URLSearchParams(granted.body)
    assert.match(grant.get('access_token')!, /^ghu_/)
    assert.equal(grant.get('token_type'), 'bearer')
    const spent = await exchange()
    assert.equal(new URLSearchParams(spent.body).get('error'), 'bad_verification_code')

    const userToken = grant.get('access_token')!
    assert.containsSubset(await bodyOf(call(fake, '/user', userToken)), { login: 'mona' })
    const installations = await call(fake, '/user/installations?per_page=1', userToken)
    assert.equal(installations.body.total_count, 2)
    assert.deepEqual(
      installations.body.installations.map((i: { id: number }) => i.id),
      [1]
    )
    assert.include(installations.headers.get('link')!, 'rel="next"')
    assert.equal(await statusOf(call(fake, '/installation/repositories', userToken)), 403)
  })

  test('answers a bad code with 200 and bad_verification_code, as JSON when asked', async ({
    assert,
    cleanup,
  }) => {
    const fake = await startFake(cleanup)
    const credentials = { client_id: 'Iv1.fakeclient', client_secret: 'fake-secret' }
    const bad = await call(fake, '/login/oauth/access_token', undefined, {
      method: 'POST',
      json: { ...credentials, code: 'nope' },
      headers: { accept: 'application/json' },
    })
    assert.equal(bad.status, 200)
    assert.deepEqual(bad.body, {
      error: 'bad_verification_code',
      error_description: 'The code passed is incorrect or expired.',
      error_uri:
        'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors#bad-verification-code',
    })
    const unknownClient = await call(
      fake,
      '/login/oauth/authorize?client_id=x&redirect_uri=http://x.test/'
    )
    assert.equal(unknownClient.status, 404)
  })

  test('creates, patches and records check runs; completed needs a conclusion', async ({
    assert,
    cleanup,
  }) => {
    const fake = await startFake(cleanup)
    fake.addRepository(1, { name: 'web' })
    const headSha = fake.addCommit('acme/web', { message: 'Change things' })
    const token = await mintToken(fake, 1, jwt())
    const post = (json: unknown) =>
      call(fake, '/repos/acme/web/check-runs', token, { method: 'POST', json })
    const patch = (id: number, json: unknown) =>
      call(fake, `/repos/acme/web/check-runs/${id}`, token, { method: 'PATCH', json })

    const created = await post({ name: 'Sextant', head_sha: headSha, status: 'in_progress' })
    assert.equal(created.status, 201)
    assert.containsSubset(created.body, {
      head_sha: headSha,
      conclusion: null,
      app: { id: APP_ID },
    })

    const incomplete = await patch(created.body.id, { status: 'completed' })
    assert.equal(incomplete.status, 422)
    assert.equal(incomplete.body.message, 'Invalid request.')
    assert.equal(await statusOf(post({ head_sha: headSha })), 422)

    const output = { title: 'All good', summary: 'No findings' }
    const done = await patch(created.body.id, { conclusion: 'success', output })
    assert.containsSubset(done.body, { status: 'completed', conclusion: 'success', output })
    assert.lengthOf(fake.checkRuns, 1)
    assert.deepEqual(fake.checkRuns[0].history, [
      { status: 'in_progress', conclusion: null },
      { status: 'completed', conclusion: 'success' },
    ])

    fake.faults.checkRunFailures = 1
    assert.equal(await statusOf(post({ name: 'Again', head_sha: headSha })), 502)
    assert.equal(await statusOf(post({ name: 'Again', head_sha: headSha })), 201)
  })

  test('rate-limit faults: secondary is 403 with Retry-After, primary shows none remaining', async ({
    assert,
    cleanup,
  }) => {
    const fake = await startFake(cleanup)
    fake.addRepository(1, { name: 'web' })
    const token = await mintToken(fake, 1, jwt())

    fake.faults.secondaryRateLimitOnce = true
    const secondary = await call(fake, '/repos/acme/web', token)
    assert.equal(secondary.status, 403)
    assert.equal(secondary.headers.get('retry-after'), '1')
    assert.match(secondary.body.message, /secondary rate limit/)

    fake.faults.primaryRateLimitOnce = true
    const primary = await call(fake, '/repos/acme/web', token)
    assert.equal(primary.status, 403)
    assert.equal(primary.headers.get('x-ratelimit-remaining'), '0')
    const reset = Number(primary.headers.get('x-ratelimit-reset'))
    assert.closeTo(reset - Date.now() / 1000, 1, 1.5)
    assert.equal(await statusOf(call(fake, '/repos/acme/web', token)), 200)
  })

  test('the install page posts back to the Setup URL with the installation and state', async ({
    assert,
    cleanup,
  }) => {
    const fake = await startFake(cleanup)
    fake.setSetupUrl('http://app.test/github/setup')
    const page = await call(fake, '/apps/sextant-test/installations/new?state=s1')
    assert.include(page.body, '<button type="submit">Install</button>')

    const installed = await call(fake, '/apps/sextant-test/installations/new', undefined, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'state=s1',
    })
    assert.equal(installed.status, 302)
    assert.equal(
      installed.headers.get('location'),
      'http://app.test/github/setup?installation_id=1&setup_action=install&state=s1'
    )
  })

  test('seeds deterministically, with AI trailers; unknown routes are GitHub 404s', async ({
    assert,
    cleanup,
  }) => {
    type Commit = { sha: string; commit: { message: string; author: { date: string } } }
    const runs: Array<Array<[string, string, string]>> = []
    for (const fake of [await startFake(cleanup), await startFake(cleanup)]) {
      fake.seedOrganization(1, 2, 10, { commitsPerRepository: 40 })
      const token = await mintToken(fake, 1, jwt())
      const commits: Commit[] = await bodyOf(
        call(fake, '/repos/acme/repo-00/commits?per_page=100', token)
      )
      runs.push(commits.map(({ sha, commit }) => [sha, commit.author.date, commit.message]))
    }
    assert.lengthOf(runs[0], 41)
    assert.deepEqual(runs[0], runs[1])
    const assisted = runs[0].filter(([, , message]) =>
      /Co-authored-by: (Claude|Copilot)/.test(message)
    )
    assert.isAbove(assisted.length, 4)
    assert.isBelow(assisted.length, 20)

    const fake = await startFake(cleanup)
    const missing = await call(fake, '/nope')
    assert.equal(missing.status, 404)
    assert.match(missing.headers.get('content-type')!, /^application\/json; charset=utf-8/)
    assert.deepEqual(missing.body, {
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest',
    })
  })
})
