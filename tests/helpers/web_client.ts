import { totp } from '#services/totp'

/**
 * A minimal browser for functional tests: a cookie jar, manual redirects
 * and the CSRF token of the last page, over real HTTP to the test server.
 */
export type WebResponse = {
  status: number
  headers: Headers
  text: string
  location: string | null
}

export class WebClient {
  readonly cookies = new Map<string, string>()
  csrfToken: string | null = null

  constructor(readonly baseUrl = `http://${process.env.HOST}:${process.env.PORT}`) {}

  async request(
    method: string,
    path: string,
    init: { body?: URLSearchParams; json?: unknown; headers?: Record<string, string> } = {}
  ) {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      redirect: 'manual',
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      headers: {
        accept: 'text/html',
        ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}),
        ...init.headers,
      },
    })
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';')
      const [name, ...value] = pair.split('=')
      const expired = attributes.some((attribute) =>
        /max-age=0|expires=thu, 01 jan 1970/i.test(attribute.trim())
      )
      if (expired) this.cookies.delete(name.trim())
      else this.cookies.set(name.trim(), value.join('='))
    }
    const text = await response.text()
    const token =
      /name='_csrf' value='([^']+)'/.exec(text)?.[1] ?? /"X-CSRF-TOKEN": "([^"]+)"/.exec(text)?.[1]
    if (token) this.csrfToken = token
    return {
      status: response.status,
      headers: response.headers,
      text,
      location: response.headers.get('location'),
    }
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request('GET', path, { headers })
  }

  /**
   * Posts a form with the CSRF token of the last page (fetching one from
   * the sign-in page first when there is none), unless csrf is false.
   */
  async post(
    path: string,
    fields: Record<string, string | string[]> = {},
    options: { csrf?: boolean; headers?: Record<string, string> } = {}
  ) {
    const body = new URLSearchParams()
    if (options.csrf !== false) {
      if (!this.csrfToken) await this.get('/sign-in')
      body.append('_csrf', this.csrfToken ?? '')
    }
    for (const [name, value] of Object.entries(fields)) {
      for (const item of [value].flat()) body.append(name, item)
    }
    return this.request('POST', path, { body, headers: options.headers })
  }

  cookieHeader() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  sessionCookie() {
    return [...this.cookies].find(([name]) => name.includes('sextant-session'))?.[1] ?? null
  }

  /**
   * Password step only: leaves the session pending the second factor.
   */
  async submitPassword(email: string, password: string) {
    await this.get('/sign-in')
    return this.post('/sign-in', { email, password })
  }

  /**
   * The whole sign-in with a TOTP code computed from the secret (for the
   * step after `lastUsedStep` when a test needs a fresh code).
   */
  async signIn(email: string, password: string, totpSecret: string, at = Date.now()) {
    const first = await this.submitPassword(email, password)
    if (first.location !== '/sign-in/mfa')
      throw new Error(`password step went to ${first.location} (${first.status})`)
    await this.get('/sign-in/mfa')
    const second = await this.post('/sign-in/mfa', { code: totp.codeAt(totpSecret, at) })
    if (second.status !== 302 || second.location?.startsWith('/sign-in')) {
      throw new Error(`second factor refused: ${second.status} ${second.location}`)
    }
    return second
  }
}

/**
 * Removes what legitimately differs between two renderings of the same
 * page (CSRF tokens), to compare bodies.
 */
export function withoutCsrf(html: string) {
  return html.replace(/name='_csrf' value='[^']+'/g, '').replace(/"X-CSRF-TOKEN": "[^"]+"/g, '')
}
