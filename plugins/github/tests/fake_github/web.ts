import { randomBytes } from 'node:crypto'
import { escapeHtml, parseBody } from './http.js'
import { newToken } from './routes_app.js'
import type { FakeGitHubState } from './state.js'

/**
 * The github.com side: the App's install page (a plain form, so a
 * browser test can click "Install") and the OAuth web flow, where the
 * user approves at once. Answers are HTML, redirects, or the token
 * endpoint's JSON/form body; they carry no API rate-limit headers.
 */
export type WebAnswer = {
  status: number
  headers?: Record<string, string>
  body?: string
}

const OAUTH_CODE_LIFETIME_MS = 10 * 60 * 1000
const TROUBLESHOOTING =
  'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors'

function html(status: number, title: string, content: string): WebAnswer {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body>\n<h1>${escapeHtml(title)}</h1>\n${content}\n</body></html>\n`,
  }
}

function redirect(location: string): WebAnswer {
  return { status: 302, headers: { location }, body: '' }
}

export function installPage(state: FakeGitHubState, slug: string, url: URL): WebAnswer {
  if (slug !== state.app.slug) return html(404, 'Page not found', '<p>No such app.</p>')
  const installations = [...state.installations.values()]
  const givenState = url.searchParams.get('state')
  const choices = installations
    .map(
      (installation, index) =>
        `<label><input type="radio" name="installation_id" value="${installation.id}"${index === 0 ? ' checked' : ''}> ${escapeHtml(installation.account.login)}</label><br>`
    )
    .join('\n')
  const hiddenState =
    givenState === null
      ? ''
      : `<input type="hidden" name="state" value="${escapeHtml(givenState)}">`
  return html(
    200,
    `Install ${state.app.name}`,
    `<form method="post" action="/apps/${escapeHtml(slug)}/installations/new">
${hiddenState}
<fieldset><legend>Where do you want to install ${escapeHtml(state.app.name)}?</legend>
${choices || '<p>No account to install on.</p>'}
</fieldset>
<button type="submit">Install</button>
</form>`
  )
}

/** the form's POST: back to the App's Setup URL, as GitHub does after an install */
export function completeInstall(state: FakeGitHubState, slug: string, rawBody: string): WebAnswer {
  if (slug !== state.app.slug) return html(404, 'Page not found', '<p>No such app.</p>')
  const form = new URLSearchParams(rawBody)
  const chosen = Number(form.get('installation_id') ?? [...state.installations.keys()][0])
  if (!state.installations.has(chosen))
    return html(404, 'Page not found', '<p>No such installation.</p>')
  if (!state.setupUrl) return html(200, 'Installed', `<p>Installation ${chosen} is ready.</p>`)
  const target = new URL(state.setupUrl)
  target.searchParams.set('installation_id', String(chosen))
  target.searchParams.set('setup_action', 'install')
  const givenState = form.get('state')
  if (givenState !== null) target.searchParams.set('state', givenState)
  return redirect(target.toString())
}

/** GET /login/oauth/authorize: approved at once, 302 back with a single-use code */
export function authorize(state: FakeGitHubState, url: URL): WebAnswer {
  if (url.searchParams.get('client_id') !== state.app.clientId) {
    return html(404, 'Page not found', '<p>Unknown client_id.</p>')
  }
  const login = url.searchParams.get('login')
  const user = login
    ? state.users.find((candidate) => candidate.login === login)
    : state.users.at(-1)
  const redirectUri = url.searchParams.get('redirect_uri')
  if (!user || !redirectUri) {
    return html(404, 'Page not found', '<p>No user to sign in, or no redirect_uri.</p>')
  }
  const code = randomBytes(10).toString('hex')
  state.oauthCodes.set(code, {
    login: user.login,
    redirectUri,
    expiresAt: Date.now() + OAUTH_CODE_LIFETIME_MS,
  })
  const target = new URL(redirectUri)
  target.searchParams.set('code', code)
  const givenState = url.searchParams.get('state')
  if (givenState !== null) target.searchParams.set('state', givenState)
  return redirect(target.toString())
}

/**
 * POST /login/oauth/access_token. Errors are 200s with an `error`
 * field, exactly as GitHub answers; JSON only when asked for.
 */
export function exchangeCode(
  state: FakeGitHubState,
  url: URL,
  rawBody: string,
  contentType: string | undefined,
  accept: string | undefined
): WebAnswer {
  const fields = {
    ...Object.fromEntries(url.searchParams),
    ...(parseBody(rawBody, contentType) ?? {}),
  }
  const field = (name: string) =>
    typeof fields[name] === 'string' ? (fields[name] as string) : null
  let answer: Record<string, string>
  const grant = state.oauthCodes.get(field('code') ?? '')
  if (
    field('client_id') !== state.app.clientId ||
    field('client_secret') !== state.app.clientSecret
  ) {
    answer = {
      error: 'incorrect_client_credentials',
      error_description: 'The client_id and/or client_secret passed are incorrect.',
      error_uri: `${TROUBLESHOOTING}#incorrect-client-credentials`,
    }
  } else if (!grant || grant.expiresAt < Date.now()) {
    answer = {
      error: 'bad_verification_code',
      error_description: 'The code passed is incorrect or expired.',
      error_uri: `${TROUBLESHOOTING}#bad-verification-code`,
    }
  } else if (field('redirect_uri') !== null && field('redirect_uri') !== grant.redirectUri) {
    answer = {
      error: 'redirect_uri_mismatch',
      error_description:
        'The redirect_uri MUST match the registered callback URL for this application.',
      error_uri: `${TROUBLESHOOTING}#redirect-uri-mismatch2`,
    }
  } else {
    // Codes are single-use: the first exchange spends it.
    state.oauthCodes.delete(field('code')!)
    const token = newToken('ghu')
    state.userTokens.set(token, grant.login)
    answer = { access_token: token, token_type: 'bearer', scope: '' }
  }
  if (accept?.includes('application/json')) {
    return {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(answer),
    }
  }
  return {
    status: 200,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams(answer).toString(),
  }
}
