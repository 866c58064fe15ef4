import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { environment, type MailchimpAccount } from './settings.js'

/**
 * The official client, @mailchimp/mailchimp_marketing. Its default export
 * is one shared ApiClient; each call here builds its own from the same
 * module's ApiClient constructor, so two accounts (or a test's loopback
 * server) never share configuration.
 *
 * Pointing it at a server: `setConfig({ apiKey, server })` only fills
 * the `server` placeholder of the client's `basePath`
 * (https://server.api.mailchimp.com/3.0). `basePath` itself is the
 * client's documented "base URL against which to resolve every API
 * call's path", so an API root from MAILCHIMP_API_URL is set there: no
 * request function is replaced.
 */
type Json = Record<string, any>
type Paging = { count?: number; offset?: number; fields?: string[]; status?: string }

/**
 * The calls this plugin makes, as the client names them (its @types
 * omit several: createList, addListMergeField, createListWebhook…).
 * Each resolves to the response body; a failure rejects with the
 * superagent error (its `status` and `response.body`, Mailchimp's problem document).
 */
export interface MailchimpClient {
  ping: { get(): Promise<Json> }
  root: { getRoot(opts?: { fields?: string[] }): Promise<Json> }
  lists: {
    getAllLists(opts?: Paging): Promise<Json>
    getList(listId: string): Promise<Json>
    createList(body: Json): Promise<Json>
    getListMergeFields(listId: string, opts?: Paging): Promise<Json>
    addListMergeField(listId: string, body: Json): Promise<Json>
    setListMember(listId: string, hash: string, body: Json): Promise<Json>
    updateListMember(listId: string, hash: string, body: Json): Promise<Json>
    deleteListMemberPermanent(listId: string, hash: string): Promise<unknown>
    getListMembersInfo(listId: string, opts?: Paging): Promise<Json>
    getListWebhooks(listId: string): Promise<Json>
    createListWebhook(listId: string, body: Json): Promise<Json>
    deleteListWebhook(listId: string, webhookId: string): Promise<unknown>
  }
  batches: {
    start(body: { operations: unknown[] }): Promise<Json>
    status(batchId: string): Promise<Json>
  }
  setConfig(config: { apiKey: string; server: string }): void
}

const require = createRequire(import.meta.url)
type ApiClientConstructor = new () => MailchimpClient & { basePath: string; timeout: number }

/** required on first use: the library (and its lodash, superagent) stays out of processes that never call Mailchimp */
const apiClient = () =>
  require('@mailchimp/mailchimp_marketing/src/ApiClient') as ApiClientConstructor

export function mailchimpClient(account: MailchimpAccount): MailchimpClient {
  const ApiClient = apiClient()
  const client = new ApiClient()
  client.setConfig({ apiKey: account.apiKey, server: account.server })
  if (account.apiUrl) client.basePath = account.apiUrl.replace(/\/+$/, '')
  client.timeout = 30_000
  return client
}

/** Mailchimp's member id: the MD5 of the lower-cased address */
export const subscriberHash = (email: string) =>
  createHash('md5').update(email.trim().toLowerCase()).digest('hex')

/** the HTTP status of a failed call (superagent's error), or null */
export function statusOf(error: unknown): number | null {
  const status = (error as { status?: unknown })?.status
  return typeof status === 'number' ? status : null
}

/** Mailchimp's problem document ("title: detail"), never the key */
export function describe(error: unknown): string {
  const body = (error as { response?: { body?: { title?: string; detail?: string } } })?.response
    ?.body
  const status = statusOf(error)
  if (body?.title)
    return `Mailchimp answered ${status ?? ''} ${body.title}${body.detail ? `: ${body.detail}` : ''}`.replace(
      /\s+/g,
      ' '
    )
  if (status) return `Mailchimp answered HTTP ${status}`
  const code = (error as { code?: string })?.code
  return code ? `Mailchimp could not be reached (${code})` : 'Mailchimp could not be reached'
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Runs a call, waiting and trying again while Mailchimp answers 429 (too
 * many requests: its limit is 10 simultaneous connections) or 5xx: after
 * Retry-After when it sends one, else with a growing pause.
 */
export async function withRetries<T>(
  call: () => Promise<T>,
  options: { attempts?: number; baseDelayMs?: number } = {}
): Promise<T> {
  const attempts = options.attempts ?? 6
  const base = options.baseDelayMs ?? environment.get('MAILCHIMP_RETRY_BASE_MS')
  for (let attempt = 1; ; attempt++) {
    try {
      return await call()
    } catch (error) {
      const status = statusOf(error)
      const retryable = status === 429 || (status !== null && status >= 500)
      if (!retryable || attempt >= attempts) throw error
      const header = (error as { response?: { headers?: Record<string, string> } })?.response
        ?.headers?.['retry-after']
      const seconds = Number(header)
      await sleep(
        Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : base * 2 ** (attempt - 1)
      )
    }
  }
}

/**
 * At most `limit` calls in flight (Mailchimp allows 10 simultaneous
 * connections per key; we stay under it).
 */
export async function inPool<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++])
  })
  await Promise.all(workers)
}
