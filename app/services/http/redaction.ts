const REDACTED = '[redacted]'

/**
 * Query parameters that carry credentials in some providers' APIs
 * (GitLab's private_token, Snyk-style api keys, OAuth access tokens).
 */
const SENSITIVE_QUERY_PARAMETERS = [
  'token',
  'key',
  'secret',
  'password',
  'access_token',
  'api_key',
  'apikey',
  'private_token',
  'client_secret',
]
const sensitiveQueryPattern = new RegExp(
  `([?&](?:${SENSITIVE_QUERY_PARAMETERS.join('|')})=)[^&#]*`,
  'gi'
)

/**
 * Request headers whose values are protocol plumbing rather than
 * credentials; redacting "application/json" out of an error body would
 * only make it unreadable.
 */
const HARMLESS_HEADERS = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'content-type',
  'user-agent',
  'if-none-match',
  'if-modified-since',
])

/**
 * Values this short are version numbers and flags ("1", "true"), not
 * credentials; replacing every occurrence would garble messages for no
 * protection.
 */
const MIN_HEADER_VALUE_LENGTH = 6

/**
 * Removes known secret values from text bound for error messages and
 * logs: the explicit `secrets`, and the values of the request's headers
 * (an Authorization header is redacted whole and by its credential part
 * alone, since providers sometimes echo just the token).
 */
export class Redactor {
  readonly #values: string[]

  constructor(secrets: Iterable<string> = []) {
    // Longest first, so "Bearer abc" is replaced before "abc" is found in it.
    this.#values = [...new Set([...secrets].filter((value) => value.length > 0))].sort(
      (a, b) => b.length - a.length
    )
  }

  /**
   * A redactor that also knows the given request headers' values.
   */
  withHeaders(headers: Record<string, string> | undefined): Redactor {
    const values = [...this.#values]
    for (const [name, value] of Object.entries(headers ?? {})) {
      if (HARMLESS_HEADERS.has(name.toLowerCase())) continue
      if (value.length >= MIN_HEADER_VALUE_LENGTH) values.push(value)
      const credential = /^\S+\s+(\S+)$/.exec(value.trim())?.[1]
      if (credential && credential.length >= MIN_HEADER_VALUE_LENGTH) values.push(credential)
    }
    return new Redactor(values)
  }

  text(value: string): string {
    let redacted = value
    for (const secret of this.#values) redacted = redacted.split(secret).join(REDACTED)
    return redacted
  }

  /**
   * A URL safe to log: credential-like query values and any password in
   * the userinfo part are blanked, then known secrets are removed.
   */
  url(value: string): string {
    const withoutQuerySecrets = value.replace(sensitiveQueryPattern, `$1${REDACTED}`)
    const withoutPassword = withoutQuerySecrets.replace(
      /^([a-z][a-z0-9+.-]*:\/\/[^/:@]*):[^/@]*@/i,
      `$1:${REDACTED}@`
    )
    return this.text(withoutPassword)
  }
}
