import { createHash, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { withEnv } from '#tests/helpers/env'

/**
 * A marketing provider on loopback that speaks Mailchimp's webhook wire
 * format, for the fixture-forms plugin:
 *
 * - API keys by HTTP basic auth (any user name, the key as password);
 * - `POST /lists/:list/webhooks` checks the URL with a GET first (as
 *   Mailchimp does) and refuses to save it unless that answers 200;
 * - `DELETE /lists/:list/webhooks/:id`, `GET /lists/:list/webhooks`;
 * - members upserted by the MD5 of the lower-cased email
 *   (`PUT /lists/:list/members/:hash`) and deleted the same way;
 * - deliveries are form-encoded (`type=subscribe&data[email]=…`), unsigned,
 *   with no delivery id, posted to each saved webhook's URL.
 *
 * `down` makes every API call answer 503 until it is switched off.
 */
export type FakeWebhook = { id: string; listId: string; url: string }
export type FakeMember = { email: string; fullName: string | null; status: string }

export type FakeMarketingState = {
  apiKeys: Set<string>
  webhooks: Map<string, FakeWebhook>
  /** members by list, keyed by the MD5 of the lower-cased email */
  members: Map<string, Map<string, FakeMember>>
  /** the status the last URL check (GET) got, by URL */
  validations: Array<{ url: string; status: number }>
  requests: Array<{ method: string; path: string; status: number }>
  down: boolean
  /** the next N API calls answer 503 */
  failNext: number
}

export const subscriberHash = (email: string) =>
  createHash('md5').update(email.toLowerCase()).digest('hex')

async function readBody(request: IncomingMessage) {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  return text ? (JSON.parse(text) as Record<string, any>) : {}
}

export async function startFakeMarketingProvider() {
  const state: FakeMarketingState = {
    apiKeys: new Set(['good-key']),
    webhooks: new Map(),
    members: new Map(),
    validations: [],
    requests: [],
    down: false,
    failNext: 0,
  }

  function send(
    request: IncomingMessage,
    response: ServerResponse,
    status: number,
    body?: unknown
  ) {
    state.requests.push({ method: request.method!, path: request.url!, status })
    response.writeHead(status, { 'content-type': 'application/json' })
    response.end(body === undefined ? undefined : JSON.stringify(body))
  }

  function authorized(request: IncomingMessage) {
    const header = request.headers.authorization ?? ''
    if (!header.startsWith('Basic ')) return false
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8')
    return state.apiKeys.has(decoded.slice(decoded.indexOf(':') + 1))
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url!, 'http://fake')
    if (state.down || state.failNext > 0) {
      state.failNext = Math.max(0, state.failNext - 1)
      return send(request, response, 503, { title: 'Service Unavailable' })
    }
    if (!authorized(request)) return send(request, response, 401, { title: 'API Key Invalid' })
    const parts = url.pathname.split('/').filter(Boolean)

    if (request.method === 'GET' && url.pathname === '/ping') {
      return send(request, response, 200, { health_status: "Everything's Chimpy!" })
    }
    if (parts[0] !== 'lists' || !parts[1])
      return send(request, response, 404, { title: 'Not Found' })
    const listId = parts[1]

    if (parts[2] === 'webhooks' && parts.length === 3 && request.method === 'POST') {
      const body = await readBody(request)
      // Mailchimp checks the URL answers a GET before it saves the webhook.
      const check = await fetch(String(body.url), { method: 'GET' }).catch(() => null)
      state.validations.push({ url: String(body.url), status: check?.status ?? 0 })
      if (!check || check.status !== 200) {
        return send(request, response, 400, {
          title: 'Invalid Resource',
          detail: 'The resource submitted could not be validated: the URL did not answer 200.',
        })
      }
      const hook: FakeWebhook = { id: randomUUID().slice(0, 10), listId, url: String(body.url) }
      state.webhooks.set(hook.id, hook)
      return send(request, response, 200, { id: hook.id, url: hook.url, list_id: listId })
    }
    if (parts[2] === 'webhooks' && parts.length === 3 && request.method === 'GET') {
      const webhooks = [...state.webhooks.values()].filter((hook) => hook.listId === listId)
      return send(request, response, 200, {
        webhooks: webhooks.map((hook) => ({ id: hook.id, url: hook.url, list_id: hook.listId })),
      })
    }
    if (parts[2] === 'webhooks' && parts[3] && request.method === 'DELETE') {
      const found = state.webhooks.get(parts[3])
      if (!found || found.listId !== listId)
        return send(request, response, 404, { title: 'Not Found' })
      state.webhooks.delete(parts[3])
      return send(request, response, 204)
    }
    if (parts[2] === 'members' && parts[3]) {
      const members = state.members.get(listId) ?? new Map<string, FakeMember>()
      state.members.set(listId, members)
      if (request.method === 'PUT') {
        const body = await readBody(request)
        const member: FakeMember = {
          email: String(body.email_address),
          fullName: body.merge_fields?.FNAME ?? null,
          // "status" updates a member; "status_if_new" applies only to a new one
          status: String(
            body.status ?? members.get(parts[3])?.status ?? body.status_if_new ?? 'subscribed'
          ),
        }
        members.set(parts[3], member)
        return send(request, response, 200, { id: parts[3], email_address: member.email })
      }
      if (request.method === 'DELETE') {
        if (!members.delete(parts[3])) return send(request, response, 404, { title: 'Not Found' })
        return send(request, response, 204)
      }
    }
    return send(request, response, 404, { title: 'Not Found' })
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error) => {
      response.writeHead(500)
      response.end(String(error))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  const restoreEnv = withEnv({ FIXTURE_FORMS_API_URL: url })

  return {
    url,
    state,
    /**
     * Sends a form-encoded delivery to every webhook saved for the list,
     * as Mailchimp does (no signature, no delivery id); the responses.
     */
    async deliver(listId: string, fields: Record<string, string>) {
      const hooks = [...state.webhooks.values()].filter((hook) => hook.listId === listId)
      return Promise.all(
        hooks.map((hook) =>
          fetch(hook.url, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams(fields).toString(),
          })
        )
      )
    },
    async close() {
      restoreEnv()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
