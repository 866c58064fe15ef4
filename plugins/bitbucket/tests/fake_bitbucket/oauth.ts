import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { FakeState } from './state.js'

/**
 * Bitbucket Cloud's OAuth 2.0 server (bitbucket.org/site/oauth2/...):
 * the consumer authenticates with HTTP Basic (key:secret) at the token
 * endpoint; access tokens last two hours; every refresh spends the
 * refresh token it was given and returns a new one.
 */
export function oauthServer(state: FakeState) {
  const codes = new Map<string, string>()
  const refreshTokens = new Map<string, 'live' | 'spent'>()

  function issue() {
    const accessToken = `bb-access-${randomBytes(8).toString('hex')}`
    const refreshToken = `bb-refresh-${randomBytes(8).toString('hex')}`
    state.tokens.add(accessToken)
    refreshTokens.set(refreshToken, 'live')
    return { accessToken, refreshToken }
  }

  return {
    issue,
    /** GET /site/oauth2/authorize: the user agrees at once (null: client or redirect_uri refused) */
    authorize(url: URL) {
      if (url.searchParams.get('client_id') !== state.consumer.key) return null
      const code = randomBytes(8).toString('hex')
      // Bitbucket: a redirect_uri must extend the consumer's callback URL; without one, that URL
      const registered = state.consumer.callbackUrl
      const redirectUri = url.searchParams.get('redirect_uri') ?? registered ?? ''
      if (registered !== null && !redirectUri.startsWith(registered)) return null
      codes.set(code, redirectUri)
      const back = new URL(redirectUri)
      back.searchParams.set('code', code)
      back.searchParams.set('state', url.searchParams.get('state') ?? '')
      return back.toString()
    },
    /** POST /site/oauth2/access_token: [status, body] */
    async token(request: IncomingMessage, body: string): Promise<[number, unknown]> {
      const basic = `Basic ${Buffer.from(`${state.consumer.key}:${state.consumer.secret}`).toString('base64')}`
      if (request.headers.authorization !== basic) {
        return [
          401,
          { error: 'invalid_client', error_description: 'Invalid OAuth client credentials' },
        ]
      }
      const form = new URLSearchParams(body)
      if (form.get('grant_type') === 'authorization_code') {
        const code = form.get('code') ?? ''
        const redirectUri = codes.get(code)
        codes.delete(code)
        if (
          redirectUri === undefined ||
          (form.has('redirect_uri') && form.get('redirect_uri') !== redirectUri)
        ) {
          return [400, { error: 'invalid_grant', error_description: 'The code is invalid' }]
        }
      } else if (form.get('grant_type') === 'refresh_token') {
        const token = form.get('refresh_token') ?? ''
        if (refreshTokens.get(token) !== 'live') {
          state.rejectedRefreshes += 1
          return [400, { error: 'invalid_grant', error_description: 'Invalid refresh_token' }]
        }
        refreshTokens.set(token, 'spent')
        state.refreshes += 1
        // slow enough that a second, unserialised refresh would overlap
        await new Promise((resolve) => setTimeout(resolve, 100))
      } else {
        return [400, { error: 'unsupported_grant_type' }]
      }
      const { accessToken, refreshToken } = issue()
      return [
        200,
        {
          access_token: accessToken,
          scopes: 'account team project repository:write pullrequest:write webhook pipeline',
          expires_in: 7200,
          refresh_token: refreshToken,
          token_type: 'bearer',
          state: form.get('grant_type'),
        },
      ]
    },
  }
}
