import { BudgetExhaustedError, HttpError, HttpTimeoutError, RateLimitedError } from './errors.js'
import { outboundRefusalIn } from './outbound_policy.js'
import { AttemptTimeoutError, networkErrorCode } from './transport.js'

/**
 * What went wrong with a call to a provider, as a class a user can act
 * on, without anything the provider wrote: its answers (error pages,
 * JSON messages) may hold internal data or echo a credential, so they
 * go to the server log only.
 */
export type OutboundFailure = {
  kind: 'refused' | 'timeout' | 'unreachable' | 'http' | 'malformed' | 'rate_limited' | 'unknown'
  /** the provider's HTTP status, when it answered */
  status: number | null
  /** e.g. "answered HTTP 401", "did not answer within 30 s", "refused by the outbound policy: …" */
  summary: string
  /** what to do about it, e.g. "check the API key"; null when nothing obvious helps */
  hint: string | null
  /** whether trying again later may help */
  transient: boolean
}

const NETWORK_PHRASES: Record<string, string> = {
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved right now',
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'connecting timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connecting timed out',
  UND_ERR_SOCKET: 'the connection broke',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate is not trusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host',
  EPROTO: 'the TLS handshake failed',
}

function statusHint(status: number): { hint: string | null; transient: boolean } {
  if (status === 401 || status === 403) return { hint: 'check the key or token', transient: false }
  if (status === 404) return { hint: 'check the address and the model or path', transient: false }
  if (status === 429) return { hint: 'rate limited', transient: true }
  if (status >= 500) return { hint: 'the provider failed', transient: true }
  if (status >= 300 && status < 400) {
    return { hint: 'a redirect, which is not followed here', transient: false }
  }
  return { hint: null, transient: false }
}

function seconds(ms: number) {
  return `${Math.round(ms / 100) / 10} s`
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: string })?.name ?? ''
  return (
    error instanceof HttpTimeoutError ||
    error instanceof AttemptTimeoutError ||
    /Timeout/.test(name) ||
    (error as { cause?: unknown })?.cause instanceof AttemptTimeoutError
  )
}

/**
 * Sorts an error from the HTTP client, undici, fetch or a provider SDK
 * (anything with a numeric `status`, as the openai package's errors
 * have) into its class. `timedOut` says the caller's own deadline fired
 * (an abort then looks like any other abort); `timeoutMs` is that
 * deadline, for the message.
 */
export function describeOutboundFailure(
  error: unknown,
  options: { timeoutMs?: number; timedOut?: boolean } = {}
): OutboundFailure {
  const refusal = outboundRefusalIn(error)
  if (refusal) {
    return { kind: 'refused', status: null, summary: refusal.message, hint: null, transient: false }
  }
  if (options.timedOut || isTimeout(error)) {
    const within = options.timeoutMs ? ` within ${seconds(options.timeoutMs)}` : ' in time'
    return {
      kind: 'timeout',
      status: null,
      summary: `did not answer${within}`,
      hint: null,
      transient: true,
    }
  }
  if (error instanceof RateLimitedError) {
    return {
      kind: 'rate_limited',
      status: 429,
      summary: `is rate limited until ${error.resetAt.toISOString()}`,
      hint: null,
      transient: true,
    }
  }
  if (error instanceof BudgetExhaustedError) {
    return { kind: 'unknown', status: null, summary: error.message, hint: null, transient: false }
  }
  const status = (error as { status?: unknown })?.status
  if (typeof status === 'number' && status > 0) {
    if (error instanceof HttpError && status < 300) {
      return {
        kind: 'malformed',
        status,
        summary: 'answered with something that is not the expected JSON',
        hint: 'check the address',
        transient: false,
      }
    }
    return { kind: 'http', status, summary: `answered HTTP ${status}`, ...statusHint(status) }
  }
  const code = networkErrorCode(error)
  if (code && code !== 'E_OUTBOUND_REFUSED') {
    return {
      kind: 'unreachable',
      status: null,
      summary: `could not be reached: ${NETWORK_PHRASES[code] ?? `network error ${code}`}`,
      hint: null,
      transient: !code.startsWith('CERT') && code !== 'ENOTFOUND',
    }
  }
  if (error instanceof SyntaxError) {
    return {
      kind: 'malformed',
      status: null,
      summary: 'answered with something that is not the expected JSON',
      hint: 'check the address',
      transient: false,
    }
  }
  return {
    kind: 'unknown',
    status: null,
    summary: 'failed unexpectedly (the server log has the details)',
    hint: null,
    transient: false,
  }
}

/** "answered HTTP 401: check the key or token" */
export function outboundFailureText(failure: OutboundFailure): string {
  return failure.hint ? `${failure.summary}: ${failure.hint}` : failure.summary
}
