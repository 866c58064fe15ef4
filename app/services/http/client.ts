import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from '@adonisjs/core/logger'
import appLogger from '@adonisjs/core/services/logger'
import env from '#start/env'
import { cacheKey, type CachedResponse, type ConditionalCache } from './conditional_cache.js'
import { BudgetExhaustedError, HttpError, HttpTimeoutError, RateLimitedError } from './errors.js'
import {
  backoffDelayMs,
  isRateLimited,
  rateLimitWaitMs,
  recordRateLimit,
  retryAfterMs,
  untilReset,
} from './rate_limit.js'
import { Redactor } from './redaction.js'
import { cacheEntryFrom, describeFailure, replayCached, responseFrom } from './responses.js'
import { Semaphore } from './semaphore.js'
import { MAX_OUTBOUND_REDIRECTS, outboundDispatcher } from './outbound_dispatcher.js'
import { OutboundPolicy, OutboundRequestRefused, outboundRefusalIn } from './outbound_policy.js'
import { openStream, readErrorBody, withoutQuery, type HttpDownload } from './download.js'
import {
  paginatePages,
  PaginationError,
  type HttpPage,
  type ItemOf,
  type PaginateOptions,
  type PaginationStrategy,
} from './pagination.js'
import {
  encodeBody,
  lowerCaseKeys,
  networkErrorCode,
  sendOnce,
  type RawResponse,
} from './transport.js'
import type {
  HttpClientOptions,
  HttpRequestInfo,
  HttpRequestOptions,
  HttpResponse,
  HttpStats,
} from './types.js'

export {
  BudgetExhaustedError,
  HttpError,
  HttpTimeoutError,
  RateLimitedError,
  OutboundRequestRefused,
}
export type { HttpClientOptions, HttpRequestInfo, HttpRequestOptions, HttpResponse, HttpStats }
export type { HttpDownload }
export { PaginationError }
export type { HttpPage, ItemOf, PaginateOptions, PaginationStrategy }

/** 5xx answers that usually mean "try again shortly" rather than a bug. */
const RETRYABLE_STATUSES = new Set([500, 502, 503, 504])

/**
 * Rate-limit waits do not consume retry attempts, so a provider that
 * keeps answering 429 with short delays needs its own bound.
 */
const MAX_RATE_LIMIT_WAITS_PER_REQUEST = 10

/**
 * The HTTP client every provider plugin syncs through: conditional
 * requests against a cache, retries with backoff, rate-limit waits, a
 * request budget, a concurrency cap, and error messages scrubbed of
 * credentials.
 */
export class HttpClient {
  readonly stats: HttpStats = {
    requests: 0,
    notModified: 0,
    retries: 0,
    rateLimitWaits: 0,
    rateLimit: { limit: null, remaining: null, resetAt: null },
  }

  readonly #baseUrl: string
  readonly #headers: Record<string, string>
  readonly #fingerprint: string
  readonly #cache: ConditionalCache | null
  readonly #revalidate: boolean
  readonly #attempts: number
  readonly #baseDelayMs: number
  readonly #maxDelayMs: number
  readonly #timeoutMs: number
  readonly #maxRateLimitWaitMs: number
  readonly #budget: number | null
  readonly #semaphore: Semaphore
  readonly #redactor: Redactor
  readonly #explicitLogger: Logger | undefined
  readonly #signal: AbortSignal | undefined
  readonly #writeIntervalMs: number
  readonly #enforceOutboundPolicy: boolean
  #nextWriteAt = 0
  readonly #listeners: Array<(info: HttpRequestInfo) => void> = []

  constructor(options: HttpClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.#headers = {
      'user-agent': options.userAgent ?? 'Sextant/0.1 (+self-hosted)',
      'accept': 'application/json',
      ...lowerCaseKeys(options.headers),
    }
    this.#fingerprint = options.credentialFingerprint ?? ''
    this.#cache = options.cache ?? null
    this.#revalidate = options.revalidate ?? true
    this.#attempts = Math.max(1, options.retries?.attempts ?? 5)
    this.#baseDelayMs = options.retries?.baseDelayMs ?? env.get('HTTP_RETRY_BASE_MS') ?? 250
    this.#maxDelayMs = options.retries?.maxDelayMs ?? 10_000
    this.#timeoutMs = options.timeoutMs ?? env.get('HTTP_TIMEOUT_MS') ?? 30_000
    const maxWaitSeconds = env.get('HTTP_MAX_RATE_LIMIT_WAIT')
    this.#maxRateLimitWaitMs =
      options.maxRateLimitWaitMs ?? (maxWaitSeconds === undefined ? 120_000 : maxWaitSeconds * 1000)
    this.#budget = options.budget ?? null
    this.#semaphore = new Semaphore(options.concurrency ?? 4)
    this.#redactor = new Redactor(options.secrets).withHeaders(options.headers)
    this.#explicitLogger = options.logger
    this.#signal = options.signal
    this.#writeIntervalMs = options.writeIntervalMs ?? 0
    this.#enforceOutboundPolicy = options.enforceOutboundPolicy ?? false
  }

  /**
   * Where requests go out: the shared pool for operator-configured URLs,
   * the outbound policy's pool (asked at each request, so it follows the
   * current allow list) when a user typed the base URL.
   */
  #transport() {
    if (!this.#enforceOutboundPolicy) return {}
    return {
      dispatcher: outboundDispatcher(),
      maxRedirects: MAX_OUTBOUND_REDIRECTS,
      checkRedirect: (url: string) => void OutboundPolicy.current().checkUrl(url),
    }
  }

  /**
   * Resolved at each use: the application logger service only exists
   * once the app has booted, and a client may be built before that.
   */
  get #logger(): Logger | undefined {
    return this.#explicitLogger ?? appLogger
  }

  get<T>(pathOrUrl: string, options?: HttpRequestOptions): Promise<HttpResponse<T>> {
    return this.request<T>('GET', pathOrUrl, options)
  }

  post<T>(pathOrUrl: string, options?: HttpRequestOptions): Promise<HttpResponse<T>> {
    return this.request<T>('POST', pathOrUrl, options)
  }

  /**
   * Streams a large answer (an archive) instead of reading it into
   * memory. Retries and rate-limit waits apply until the headers arrive;
   * the caller then reads or destroys the body. Redirects are followed,
   * without the credentials when they lead to another host.
   */
  async download(pathOrUrl: string, options: HttpRequestOptions = {}): Promise<HttpDownload> {
    const url = this.#resolveUrl(pathOrUrl, options.query)
    const headers = { ...this.#headers, ...lowerCaseKeys(options.headers), accept: '*/*' }
    const redactor = this.#redactor.withHeaders(options.headers)
    const answer = await this.#exchange(
      'GET',
      url,
      redactor,
      () =>
        openStream({
          url,
          headers,
          headersTimeoutMs: this.#timeoutMs,
          signal: this.#signal,
          ...this.#transport(),
        }),
      // An answer that will be retried is drained, so its socket is reused.
      (retried) => retried.body.resume()
    )
    if (answer.status < 300) return answer
    const text = await readErrorBody(answer.body)
    const where = redactor.url(withoutQuery(answer.url))
    throw new HttpError(`GET ${where} failed with status ${answer.status}`, {
      status: answer.status,
      url: where,
      body: redactor.text(text).slice(0, 500),
    })
  }

  onRequest(listener: (info: HttpRequestInfo) => void): void {
    this.#listeners.push(listener)
  }

  /**
   * Yields page after page, following the strategy the caller picks
   * (`Link` headers by default; a next URL in the body, a continuation
   * header, offset/limit or a page token; see pagination_types.ts). Every
   * page is a request of this client: conditional, counted toward the
   * budget, stopped by the signal. Next pages stay on the first page's
   * origin. With `Link` and next URLs the query applies to the first page
   * only, since next links carry theirs.
   */
  paginate<T = unknown, Item = ItemOf<T>>(
    pathOrUrl: string,
    options: PaginateOptions = {}
  ): AsyncGenerator<HttpPage<T, Item>> {
    return paginatePages<T, Item>(
      (method, url, pageOptions) => this.request(method, url, pageOptions),
      pathOrUrl,
      options,
      this.#signal
    )
  }

  /** The items of every page, one at a time (see paginate). */
  async *paginateItems<Item = unknown>(
    pathOrUrl: string,
    options: PaginateOptions = {}
  ): AsyncGenerator<Item> {
    for await (const page of this.paginate<unknown, Item>(pathOrUrl, options)) yield* page.items
  }

  async request<T>(
    method: string,
    pathOrUrl: string,
    options: HttpRequestOptions = {}
  ): Promise<HttpResponse<T>> {
    const verb = method.toUpperCase()
    const url = this.#resolveUrl(pathOrUrl, options.query)
    const headers = { ...this.#headers, ...lowerCaseKeys(options.headers) }
    const body = encodeBody(options.body, headers)
    const redactor = this.#redactor.withHeaders(options.headers)
    const useCache = this.#cache !== null && verb === 'GET' && options.conditional !== false
    const key = useCache ? cacheKey(this.#fingerprint, verb, url) : null
    const cached = key ? await this.#readCache(key) : null
    if (this.#revalidate && cached?.etag) headers['if-none-match'] = cached.etag
    if (this.#revalidate && cached?.lastModified) {
      headers['if-modified-since'] = cached.lastModified
    }

    const response = await this.#exchange(verb, url, redactor, () =>
      sendOnce({
        method: verb,
        url,
        headers,
        body,
        timeoutMs: this.#timeoutMs,
        signal: this.#signal,
        dispatcher: this.#transport().dispatcher,
      })
    )
    return this.#finish<T>(verb, url, response, { key, cached, redactor })
  }

  /**
   * Attempts until an answer is final: network failures and 5xx are
   * retried with backoff, rate limits waited out; cancellation and an
   * exhausted budget end it at once. Answers and downloads share it.
   */
  async #exchange<
    Answer extends { status: number; headers: Record<string, string>; durationMs: number },
  >(
    verb: string,
    url: string,
    redactor: Redactor,
    attempt: () => Promise<Answer>,
    discard: (retried: Answer) => void = () => {}
  ): Promise<Answer> {
    let failures = 0
    let rateLimitWaits = 0
    for (;;) {
      await this.#waitForAnnouncedReset(verb, url, redactor)
      let response: Answer
      try {
        response = await this.#counted(verb, attempt)
      } catch (error) {
        if (this.#signal?.aborted) throw this.#signal.reason
        if (error instanceof BudgetExhaustedError) throw error
        // The policy's answer will not change on a retry.
        const refusal = outboundRefusalIn(error)
        if (refusal) throw refusal
        const failure = describeFailure(error, verb, url, redactor)
        if (!failure.retryable || ++failures >= this.#attempts) throw failure.error
        await this.#backoff(failures, null)
        continue
      }
      this.#observe(verb, url, response, redactor)

      if (isRateLimited(response.status, response.headers)) {
        discard(response)
        if (++rateLimitWaits > MAX_RATE_LIMIT_WAITS_PER_REQUEST) {
          throw new RateLimitedError(`${verb} ${redactor.url(url)} stays rate limited`, new Date())
        }
        const waitMs =
          rateLimitWaitMs(response.headers) ??
          backoffDelayMs(rateLimitWaits, this.#baseDelayMs, this.#maxDelayMs)
        await this.#waitForRateLimit(waitMs, verb, url, redactor)
        continue
      }
      if (RETRYABLE_STATUSES.has(response.status) && ++failures < this.#attempts) {
        discard(response)
        await this.#backoff(failures, retryAfterMs(response.headers['retry-after']))
        continue
      }
      return response
    }
  }

  #resolveUrl(pathOrUrl: string, query: HttpRequestOptions['query']): string {
    const absolute = /^https?:\/\//i.test(pathOrUrl)
      ? pathOrUrl
      : `${this.#baseUrl}/${pathOrUrl.replace(/^\/+/, '')}`
    const url = this.#enforceOutboundPolicy
      ? OutboundPolicy.current().checkUrl(absolute)
      : new URL(absolute)
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(name, String(value))
    }
    return url.toString()
  }

  /**
   * One attempt, inside the concurrency cap (writes also wait for their
   * turn). Counting happens here, after the permit is granted, so
   * concurrent callers cannot overrun the budget.
   */
  async #counted<Answer>(verb: string, attempt: () => Promise<Answer>): Promise<Answer> {
    if (verb !== 'GET' && verb !== 'HEAD') await this.#spaceWrite()
    const release = await this.#semaphore.acquire(this.#signal)
    try {
      if (this.#budget !== null && this.stats.requests >= this.#budget) {
        throw new BudgetExhaustedError(this.#budget)
      }
      this.stats.requests++
      return await attempt()
    } finally {
      release()
    }
  }

  /**
   * The final answer, once retries and waits are over: the cache replayed
   * on 304, a revalidatable 200 stored, HttpError for any other failure.
   */
  async #finish<T>(
    verb: string,
    url: string,
    raw: RawResponse,
    context: { key: string | null; cached: CachedResponse | null; redactor: Redactor }
  ): Promise<HttpResponse<T>> {
    const { key, cached, redactor } = context
    if (raw.status === 304 && cached) {
      this.stats.notModified++
      return replayCached<T>(verb, url, cached, redactor)
    }
    const response = responseFrom<T>(verb, url, raw, redactor)
    const entry = key ? cacheEntryFrom(raw) : null
    if (key && entry) await this.#writeCache(key, entry)
    return response
  }

  /**
   * After a response announced an empty quota, later requests hold back
   * until its reset instead of spending attempts on certain refusals.
   */
  async #waitForAnnouncedReset(verb: string, url: string, redactor: Redactor) {
    const { remaining, resetAt } = this.stats.rateLimit
    if (remaining !== 0 || !resetAt) return
    const waitMs = untilReset(resetAt)
    if (waitMs > 0) await this.#waitForRateLimit(waitMs, verb, url, redactor)
  }

  async #waitForRateLimit(waitMs: number, verb: string, url: string, redactor: Redactor) {
    const resetAt = new Date(Date.now() + waitMs)
    const safeUrl = redactor.url(url)
    if (waitMs > this.#maxRateLimitWaitMs) {
      throw new RateLimitedError(
        `${verb} ${safeUrl} is rate limited until ${resetAt.toISOString()}`,
        resetAt
      )
    }
    this.stats.rateLimitWaits++
    this.#logger?.debug({ method: verb, url: safeUrl, waitMs }, 'http rate limited, waiting')
    await this.#sleep(waitMs)
  }

  /**
   * Writes wait for their turn, writeIntervalMs apart: GitHub counts
   * bursts of POST/PATCH toward its secondary rate limit and asks for a
   * second between them.
   */
  async #spaceWrite() {
    if (this.#writeIntervalMs <= 0) return
    const now = Date.now()
    const slot = Math.max(now, this.#nextWriteAt)
    this.#nextWriteAt = slot + this.#writeIntervalMs
    if (slot > now) await this.#sleep(slot - now)
  }

  /** A server's Retry-After on a 5xx is honoured when it is within the backoff cap. */
  async #backoff(failures: number, retryAfter: number | null) {
    this.stats.retries++
    const jittered = backoffDelayMs(failures, this.#baseDelayMs, this.#maxDelayMs)
    await this.#sleep(retryAfter === null ? jittered : Math.min(retryAfter, this.#maxDelayMs))
  }

  async #sleep(ms: number) {
    try {
      await sleep(ms, undefined, { signal: this.#signal })
    } catch (error) {
      throw this.#signal?.reason ?? error
    }
  }

  #observe(
    verb: string,
    url: string,
    response: { status: number; headers: Record<string, string>; durationMs: number },
    redactor: Redactor
  ) {
    recordRateLimit(this.stats.rateLimit, response.headers)
    const info: HttpRequestInfo = {
      method: verb,
      url: redactor.url(url),
      status: response.status,
      notModified: response.status === 304,
      durationMs: response.durationMs,
    }
    this.#logger?.debug(info, 'http request')
    for (const listener of this.#listeners) {
      try {
        listener(info)
      } catch {
        // Statistics must never fail a sync.
      }
    }
  }

  /** The cache only saves requests; when it is unavailable, requests go through uncached. */
  async #readCache(key: string): Promise<CachedResponse | null> {
    try {
      return await this.#cache!.get(key)
    } catch (error) {
      this.#logger?.warn({ code: networkErrorCode(error) }, 'http cache unreadable, skipping it')
      return null
    }
  }

  async #writeCache(key: string, value: CachedResponse) {
    try {
      await this.#cache!.put(key, value)
    } catch (error) {
      this.#logger?.warn({ code: networkErrorCode(error) }, 'http cache unwritable, skipping it')
    }
  }
}
