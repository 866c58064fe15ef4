import type { Version2Client, Version3Client } from 'jira.js'
import type { ConnectionHandle, HttpClient } from '#plugin-sdk'
import { environment } from './environment.js'
import { budgetFor, type JiraRateBudget } from './rate_budget.js'

/**
 * jira.js, the maintained Jira client, builds every request (paths,
 * parameters, bodies); the platform's HTTP client sends it. An axios
 * adapter hands each request jira.js prepared to `http`, so Jira's calls
 * are counted on the sync run, retried, rate limited (429 with
 * Retry-After), held to the run's budget and to the outbound policy, and
 * authenticated by the connection (Basic, bearer PAT, or the OAuth token
 * refreshed under the platform's lock), and held to Jira Cloud's
 * cost-based budget as its responses announce it (rate_budget.ts).
 * jira.js itself holds no secret.
 */

export type Edition = 'cloud' | 'datacenter'

/**
 * Cloud for OAuth sites (a cloud id) and email + API token (an email);
 * Data Center for personal access tokens, which carry neither.
 */
export function editionOf(connection: Pick<ConnectionHandle, 'config'>): Edition {
  return connection.config.cloudId || connection.config.email ? 'cloud' : 'datacenter'
}

type AxiosLikeConfig = {
  method?: string
  url?: string
  baseURL?: string
  params?: Record<string, unknown>
  paramsSerializer?:
    | ((params: Record<string, unknown>) => string)
    | { serialize?: (params: Record<string, unknown>) => string }
  data?: unknown
  headers?: Record<string, unknown> & { toJSON?: () => Record<string, unknown> }
}

/** the request jira.js built, as an absolute URL with its query */
function requestUrl(config: AxiosLikeConfig): string {
  const base = (config.baseURL ?? '').replace(/\/+$/, '')
  const path = config.url ?? ''
  const url = /^https?:\/\//i.test(path) ? path : `${base}/${path.replace(/^\/+/, '')}`
  const serialize =
    typeof config.paramsSerializer === 'function'
      ? config.paramsSerializer
      : config.paramsSerializer?.serialize
  const query = config.params && serialize ? serialize(config.params) : ''
  if (!query) return url
  return `${url}${url.includes('?') ? '&' : '?'}${query}`
}

function contentType(config: AxiosLikeConfig): string | undefined {
  const headers = config.headers?.toJSON ? config.headers.toJSON() : (config.headers ?? {})
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'content-type' && typeof value === 'string') return value
  }
  return undefined
}

/**
 * An axios adapter sending through `http`. The platform's error (an
 * HttpError with the status, a RateLimitedError, a refusal of the
 * outbound policy) is kept so `call` rethrows it as it was, instead of
 * jira.js's wrapper.
 */
function adapterFor(http: HttpClient, failures: WeakMap<object, unknown>, budget: JiraRateBudget) {
  return async (config: AxiosLikeConfig) => {
    const method = (config.method ?? 'get').toUpperCase()
    const type = contentType(config)
    try {
      await budget.beforeRequest()
      const response = await http.request<unknown>(method, requestUrl(config), {
        body: config.data === undefined || config.data === null ? undefined : config.data,
        headers: type && config.data !== undefined ? { 'content-type': type } : undefined,
        conditional: false,
      })
      budget.observe(response.headers)
      return {
        data: response.data,
        status: response.status,
        statusText: '',
        headers: response.headers,
        config,
        request: {},
      }
    } catch (error) {
      const marker = new Error('jira request failed')
      failures.set(marker, error)
      throw marker
    }
  }
}

export type JiraClients = {
  edition: Edition
  /** Cloud: the v3 API (search/jql, dynamic webhooks) */
  v3: Version3Client
  /** Data Center: the v2 API (search with startAt/maxResults/total) */
  v2: Version2Client
  /** runs one jira.js call, rethrowing the platform's own error when it failed */
  call<T>(request: () => Promise<T>): Promise<T>
}

/**
 * jira.js clients on the connection's base URL (a Cloud site, the API
 * gateway's /ex/jira/{cloudId}, or a Data Center server).
 */
export async function jiraClients(
  http: HttpClient,
  baseUrl: string,
  edition: Edition
): Promise<JiraClients> {
  // imported on first use: jira.js is ~260 modules, needless in processes that never sync Jira
  const { Version2Client, Version3Client } = await import('jira.js')
  const failures = new WeakMap<object, unknown>()
  const budget = budgetFor(baseUrl, {
    nearLimitIntervalMs: environment.get('JIRA_NEAR_LIMIT_INTERVAL_MS'),
    maxWaitMs: environment.get('JIRA_MAX_BUDGET_WAIT_SECONDS') * 1000,
  })
  const config = {
    host: baseUrl,
    baseRequestConfig: { adapter: adapterFor(http, failures, budget) as never },
  }
  return {
    edition,
    v3: new Version3Client(config),
    v2: new Version2Client(config),
    async call<T>(request: () => Promise<T>): Promise<T> {
      try {
        return await request()
      } catch (error) {
        throw platformError(error, failures)
      }
    },
  }
}

/** the platform's error under jira.js's wrappers (HttpException's response or cause → marker) */
function platformError(error: unknown, failures: WeakMap<object, unknown>): unknown {
  const queue: unknown[] = [error]
  for (let seen = 0; seen < 8 && queue.length > 0; seen += 1) {
    const current = queue.shift()
    if (!current || typeof current !== 'object') continue
    if (failures.has(current)) return failures.get(current)
    const wrapped = current as { cause?: unknown; response?: unknown }
    queue.push(wrapped.response, wrapped.cause)
  }
  return error
}

/** jira.js clients for a connection outside a sync (its test, lifecycle hooks) */
export async function connectionClients(connection: ConnectionHandle, http?: HttpClient) {
  const client = http ?? (await connection.client({ retries: { attempts: 2 } }))
  return await jiraClients(client, connection.baseUrl, editionOf(connection))
}
