import { lookup as dnsLookup } from 'node:dns/promises'
import { isIP, type LookupFunction, type NetConnectOpts } from 'node:net'
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import type { Duplex } from 'node:stream'
import { Agent, buildConnector, fetch as undiciFetch, type Dispatcher } from 'undici'
import { OutboundPolicy, OutboundRequestRefused, outboundRefusalIn } from './outbound_policy.js'

/**
 * Calls to URLs a user typed: every connection is made to an address
 * the policy accepted, resolved once (the socket connects to the checked
 * address, so a DNS answer that changes between check and connect
 * cannot slip a private address in), and every redirect hop is checked
 * the same way, at most MAX_OUTBOUND_REDIRECTS of them.
 */

export const MAX_OUTBOUND_REDIRECTS = 3

export type ResolvedAddress = { address: string; family: 4 | 6 }
/** every address a host name resolves to */
export type OutboundResolver = (hostname: string) => Promise<ResolvedAddress[]>

const systemResolver: OutboundResolver = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, order: 'verbatim' })
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }))
}

let resolver: OutboundResolver = systemResolver
let resolverGeneration = 0

/**
 * Replaces the DNS resolver (null restores the system's). For tests: a
 * host name can then resolve to a loopback address without touching DNS.
 */
export function setOutboundResolver(replacement: OutboundResolver | null) {
  resolver = replacement ?? systemResolver
  resolverGeneration++
}

function notFound(hostname: string) {
  return Object.assign(new Error(`${hostname} does not resolve to any address`), {
    code: 'ENOTFOUND',
    hostname,
  })
}

/**
 * The addresses to connect to for a host: a literal address checked as
 * it is, a host name resolved once and refused when any of its addresses
 * is (a name answering with one public and one private address is not
 * trusted with either).
 */
export async function resolveAllowed(
  hostname: string,
  policy: OutboundPolicy = OutboundPolicy.current()
): Promise<ResolvedAddress[]> {
  const host = hostname.replace(/^\[|\]$/g, '')
  const family = isIP(host)
  if (family !== 0) {
    policy.checkAddress(host, host)
    return [{ address: host, family: family === 6 ? 6 : 4 }]
  }
  const addresses = await resolver(host)
  if (addresses.length === 0) throw notFound(host)
  for (const { address } of addresses) policy.checkAddress(host, address)
  return addresses
}

/**
 * Checks a URL before it is saved: the scheme, a literal address, and
 * the addresses its host resolves to now. A host that does not resolve
 * yet is not a refusal (the call will say it cannot reach it); the
 * dispatcher checks again at every connection in any case.
 */
export async function checkOutboundUrl(raw: string | URL): Promise<URL> {
  const policy = OutboundPolicy.current()
  const url = policy.checkUrl(raw)
  try {
    await resolveAllowed(url.hostname, policy)
  } catch (error) {
    if (error instanceof OutboundRequestRefused) throw error
  }
  return url
}

/** net.connect's lookup: the resolved, checked addresses, and nothing else, are connected to */
function pinnedLookup(policy: OutboundPolicy, resolve: OutboundResolver): LookupFunction {
  return (hostname, options, callback) => {
    const answer = callback as (error: Error | null, address?: unknown, family?: number) => void
    const viaResolver = async () => {
      const addresses = await resolve(hostname)
      if (addresses.length === 0) throw notFound(hostname)
      for (const { address } of addresses) policy.checkAddress(hostname, address)
      return addresses
    }
    viaResolver().then(
      (addresses) => {
        const wanted = options.family
          ? addresses.filter((entry) => entry.family === options.family)
          : addresses
        if (wanted.length === 0) return answer(notFound(hostname))
        if (options.all) return answer(null, wanted)
        answer(null, wanted[0].address, wanted[0].family)
      },
      (error: Error) => answer(error)
    )
  }
}

/**
 * An undici Agent whose every new connection is checked: a literal
 * address before connecting, a host name through pinnedLookup.
 */
function guardedAgent(policy: OutboundPolicy, resolve: OutboundResolver): Agent {
  const connect = buildConnector({ lookup: pinnedLookup(policy, resolve) })
  return new Agent({
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    connect(options, callback) {
      const host = options.hostname.replace(/^\[|\]$/g, '')
      if (isIP(host)) {
        try {
          policy.checkAddress(host, host)
        } catch (error) {
          callback(error as Error, null)
          return
        }
      }
      connect(options, callback)
    },
  })
}

let pooled: { key: string; agent: Agent } | null = null

/**
 * The dispatcher for calls to user-typed URLs. One pool per policy: when
 * OUTBOUND_ALLOWED_HOSTS or the resolver changes (tests), the sockets
 * opened under the old policy are not reused.
 */
export function outboundDispatcher(): Dispatcher {
  const policy = OutboundPolicy.current()
  const key = `${resolverGeneration}|${policy.key}`
  if (pooled?.key !== key) {
    pooled?.agent.close().catch(() => {})
    pooled = { key, agent: guardedAgent(policy, resolver) }
  }
  return pooled.agent
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])
/** request headers that carry credentials: never sent on to another origin */
const CREDENTIAL_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'api-key',
  'x-api-key',
]

type FetchInput = string | URL | Request
type FetchBody = RequestInit['body']

function plainHeaders(headers: RequestInit['headers']): Record<string, string> {
  const plain: Record<string, string> = {}
  new Headers(headers).forEach((value, name) => {
    plain[name] = value
  })
  return plain
}

/**
 * undici's fetch (the package's, which takes this dispatcher) does not
 * recognise the global FormData class, so a form is encoded here, by the
 * global Response, into bytes: replayable on a 307/308 as well.
 */
async function portableBody(body: FetchBody, headers: Record<string, string>): Promise<FetchBody> {
  if (!(body instanceof FormData)) return body
  const encoded = new Response(body)
  headers['content-type'] = encoded.headers.get('content-type')!
  return new Uint8Array(await encoded.arrayBuffer())
}

/**
 * A fetch for user-typed URLs (give it to clients that take one, such
 * as the `openai` package): the policy checks each hop, redirects are
 * followed at most MAX_OUTBOUND_REDIRECTS times, and credentials never
 * follow a redirect to another origin. A refusal is thrown as
 * OutboundRequestRefused (inside the client's own connection error).
 */
export async function outboundFetch(input: FetchInput, init: RequestInit = {}): Promise<Response> {
  const request = input instanceof Request ? input : null
  const policy = OutboundPolicy.current()
  let url = policy.checkUrl(request ? request.url : input instanceof URL ? input : String(input))
  let method = (init.method ?? request?.method ?? 'GET').toUpperCase()
  let headers = plainHeaders(init.headers ?? request?.headers)
  let body = await portableBody(init.body ?? request?.body ?? undefined, headers)
  const signal = init.signal ?? request?.signal ?? undefined

  for (let hop = 0; ; hop++) {
    let response: Response
    try {
      response = (await undiciFetch(url, {
        ...(init as object),
        method,
        headers,
        body: body as never,
        signal,
        redirect: 'manual',
        dispatcher: outboundDispatcher(),
        ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
      })) as unknown as Response
    } catch (error) {
      throw outboundRefusalIn(error) ?? error
    }
    const location = response.headers.get('location')
    if (!REDIRECT_STATUSES.has(response.status) || !location) return response
    await response.body?.cancel()
    if (hop >= MAX_OUTBOUND_REDIRECTS) {
      throw new OutboundRequestRefused(`more than ${MAX_OUTBOUND_REDIRECTS} redirects`)
    }
    const next = policy.checkUrl(new URL(location, url))
    const becomesGet =
      (response.status === 303 && method !== 'HEAD') ||
      ((response.status === 301 || response.status === 302) && method === 'POST')
    if (becomesGet) {
      method = 'GET'
      body = undefined
      headers = Object.fromEntries(
        Object.entries(headers).filter(([name]) => !name.startsWith('content-'))
      )
    } else if (body instanceof ReadableStream) {
      throw new OutboundRequestRefused('a redirect asked to send a streamed body again')
    }
    if (next.origin !== url.origin) {
      headers = Object.fromEntries(
        Object.entries(headers).filter(([name]) => !CREDENTIAL_HEADERS.includes(name))
      )
    }
    url = next
  }
}
/**
 * The openai package probes a custom fetch for FormData support through
 * its Response class: this one accepts the global FormData (portableBody).
 */
outboundFetch.Response = Response

/**
 * For clients built on node:http instead of fetch (typed-rest-client,
 * under azure-devops-node-api): an http(s).Agent whose every new socket
 * goes to an address the policy accepted, a literal address checked as
 * it is and a host name through the same pinned lookup as the undici
 * dispatcher. Give it to the client per request (its `agent` option).
 */
export function outboundNodeAgent(protocol: 'http:' | 'https:'): HttpAgent {
  const policy = OutboundPolicy.current()
  const lookup = pinnedLookup(policy, resolver)
  const Base = protocol === 'https:' ? HttpsAgent : HttpAgent
  class GuardedNodeAgent extends Base {
    createConnection(
      options: NetConnectOpts,
      callback?: (error: Error | null, socket: Duplex) => void
    ) {
      const host = String((options as { host?: string }).host ?? '').replace(/^\[|\]$/g, '')
      if (isIP(host)) policy.checkAddress(host, host)
      return super.createConnection({ ...options, lookup }, callback)
    }
  }
  return new GuardedNodeAgent({ keepAlive: false })
}
