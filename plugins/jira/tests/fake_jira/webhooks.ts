import { createHmac } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { readBody, type Answer } from './http.js'
import type { FakeSite, FakeState } from './state.js'

/**
 * Jira's two kinds of webhooks, as the fake serves them: admin webhooks
 * (/rest/webhooks/1.0/webhook, with an optional secret, for
 * administrators) and the dynamic webhooks OAuth apps register
 * (/rest/api/3/webhook), which expire after 30 days unless refreshed.
 */

export async function adminWebhooks(
  state: FakeState,
  request: IncomingMessage,
  target: FakeSite,
  path: string,
  method: string
): Promise<Answer> {
  if (!state.rootAdmin)
    return { status: 403, body: { errorMessages: ['You are not an administrator.'] } }
  if (path === '/rest/webhooks/1.0/webhook' && method === 'POST') {
    const body = JSON.parse(await readBody(request)) as Record<string, unknown>
    const id = String(state.nextWebhookId++)
    state.adminWebhooks.set(id, {
      url: String(body.url),
      events: body.events as string[],
      filter: (body.filters as Record<string, string>)['issue-related-events-section'],
      secret: String(body.secret ?? ''),
    })
    return {
      status: 201,
      body: {
        self: `${target.url}/rest/webhooks/1.0/webhook/${id}`,
        name: body.name,
        url: body.url,
      },
    }
  }
  const one = /^\/rest\/webhooks\/1\.0\/webhook\/(\d+)$/.exec(path)
  if (one && method === 'DELETE') {
    if (!state.adminWebhooks.delete(one[1]))
      return { status: 404, body: { errorMessages: ['No webhook'] } }
    return { status: 204 }
  }
  return { status: 405, body: { errorMessages: ['Method not allowed'] } }
}

export async function dynamicWebhooks(
  state: FakeState,
  request: IncomingMessage,
  target: FakeSite,
  path: string,
  method: string,
  url: URL
): Promise<Answer> {
  if (path === '/rest/api/3/webhook' && method === 'GET') return listDynamic(state, target, url)
  const body =
    method === 'GET'
      ? {}
      : (JSON.parse((await readBody(request)) || '{}') as Record<string, unknown>)
  const thirtyDays = () => new Date(Date.now() + 30 * 86_400_000)
  if (path === '/rest/api/3/webhook' && method === 'POST') {
    const list = body.webhooks as Array<{ events: string[]; jqlFilter: string }>
    const result = list.map((hook) => {
      const id = state.nextWebhookId++
      state.webhooks.set(id, {
        id,
        site: target.id,
        url: String(body.url),
        events: hook.events,
        jqlFilter: hook.jqlFilter,
        expirationDate: thirtyDays(),
      })
      return { createdWebhookId: id }
    })
    return { status: 200, body: { webhookRegistrationResult: result } }
  }
  const ids = (body.webhookIds as number[] | undefined) ?? []
  if (path === '/rest/api/3/webhook/refresh' && method === 'PUT') {
    const expirationDate = thirtyDays()
    for (const id of ids) {
      const hook = state.webhooks.get(id)
      if (hook && hook.site === target.id) hook.expirationDate = expirationDate
    }
    return { status: 200, body: { expirationDate: expirationDate.toISOString() } }
  }
  if (path === '/rest/api/3/webhook' && method === 'DELETE') {
    for (const id of ids) if (state.webhooks.get(id)?.site === target.id) state.webhooks.delete(id)
    return { status: 202 }
  }
  return { status: 405, body: { errorMessages: ['Method not allowed'] } }
}

/**
 * GET /rest/api/3/webhook: the webhooks the calling app registered on the
 * site, a page at a time (startAt, maxResults; Jira's default page is 100).
 */
function listDynamic(state: FakeState, target: FakeSite, url: URL): Answer {
  const startAt = Number(url.searchParams.get('startAt') ?? 0)
  const maxResults = Number(url.searchParams.get('maxResults') ?? 100)
  const all = [...state.webhooks.values()].filter((hook) => hook.site === target.id)
  const values = all.slice(startAt, startAt + maxResults).map((hook) => ({
    id: hook.id,
    jqlFilter: hook.jqlFilter,
    events: hook.events,
    expirationDate: hook.expirationDate.getTime(),
  }))
  return {
    status: 200,
    body: {
      startAt,
      maxResults,
      total: all.length,
      isLast: startAt + values.length >= all.length,
      values,
    },
  }
}

/**
 * The JWT Jira Cloud sends in `Authorization: Bearer …` with every
 * delivery of a dynamic webhook an OAuth 2.0 app registered: HS256,
 * signed with the app's client secret.
 */
export function deliveryJwt(
  secret: string,
  claims: Record<string, unknown> = {},
  alg: string = 'HS256'
) {
  const now = Math.floor(Date.now() / 1000)
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const head = encode({ alg, typ: 'JWT' })
  const body = encode({ iat: now, exp: now + 180, ...claims })
  const signature =
    alg === 'none' ? '' : createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')
  return `${head}.${body}.${signature}`
}
