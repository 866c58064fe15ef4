import type { Logger } from '@adonisjs/core/logger'
import type { ConditionalCache } from './conditional_cache.js'

export type HttpClientOptions = {
  baseUrl: string
  /** e.g. Authorization; their values never appear in errors or logs */
  headers?: Record<string, string>
  /** a stable, non-secret fingerprint of the credential (e.g. sha256 of the token, first 16 hex); part of the cache key so a response cached under one token is never replayed for another */
  credentialFingerprint?: string
  /** null/undefined: no conditional requests */
  cache?: ConditionalCache | null
  /**
   * false: send no If-None-Match / If-Modified-Since (a full re-read) but
   * still store what comes back, so later requests can be conditional
   */
  revalidate?: boolean
  /** defaults 5 attempts, 250ms base (env HTTP_RETRY_BASE_MS), 10s max */
  retries?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number }
  /** per attempt, default env HTTP_TIMEOUT_MS or 30_000 */
  timeoutMs?: number
  /** default env HTTP_MAX_RATE_LIMIT_WAIT (seconds) * 1000 or 120_000; a longer wait raises RateLimitedError instead of sleeping */
  maxRateLimitWaitMs?: number
  /** max requests this client may make (whole lifetime); exceeding raises BudgetExhaustedError before sending */
  budget?: number
  /** max in-flight requests for this client, default 4 */
  concurrency?: number
  /** values redacted (replaced by "[redacted]") from error messages and logs */
  secrets?: string[]
  logger?: Logger
  /** default "Sextant/0.1 (+self-hosted)" */
  userAgent?: string
  /** aborts waits and requests */
  signal?: AbortSignal
  /** minimum gap between two writes (POST, PATCH, PUT, DELETE) of this client, default 0 */
  writeIntervalMs?: number
  /**
   * true when a user typed the base URL (a connection's base-URL
   * override): every request and redirect then goes through the outbound
   * policy (no loopback, private or metadata addresses unless
   * OUTBOUND_ALLOWED_HOSTS allows them, DNS resolved once and pinned).
   * Operator-configured URLs (env) are trusted and leave it false.
   */
  enforceOutboundPolicy?: boolean
}

export type HttpRequestOptions = {
  query?: Record<string, string | number | boolean | undefined | null>
  headers?: Record<string, string>
  /** JSON-encoded unless a string/Buffer/URLSearchParams */
  body?: unknown
  /** default true for GET when a cache is configured */
  conditional?: boolean
}

export type HttpResponse<T = unknown> = {
  /** 200 even when served from cache after a 304 (see notModified) */
  status: number
  url: string
  /** lower-case names */
  headers: Record<string, string>
  /** parsed JSON (or text when not JSON) */
  data: T
  /** true when the server answered 304 and data came from the cache */
  notModified: boolean
  /** parsed Link header, resolved to absolute URLs: { next: 'https://...', last: ... } */
  links: Record<string, string>
}

export type HttpStats = {
  requests: number
  notModified: number
  retries: number
  rateLimitWaits: number
  rateLimit: { limit: number | null; remaining: number | null; resetAt: Date | null }
}

/** What an onRequest listener learns of each exchange (the URL redacted). */
export type HttpRequestInfo = {
  method: string
  url: string
  status: number
  notModified: boolean
  durationMs: number
}
