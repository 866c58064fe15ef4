import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createGzip } from 'node:zlib'
import { pack } from 'tar-stream'

/**
 * Mailchimp Marketing API v3 on loopback, as the official client talks
 * to it (https://mailchimp.com/developer/marketing/api/): HTTP basic auth
 * with the key as password; JSON bodies; problem documents
 * ({ type, title, status, detail, instance }) for errors; list pages
 * with offset/count and total_items.
 *
 * GET /ping, GET / (account), GET|POST /lists, GET /lists/{id},
 * GET|POST /lists/{id}/merge-fields, PUT|PATCH /lists/{id}/members/{hash}
 * (status_if_new), GET /lists/{id}/members?status=, POST
 * /lists/{id}/members/{hash}/actions/delete-permanent,
 * GET|POST|DELETE /lists/{id}/webhooks (a GET to the URL first, as
 * Mailchimp validates it), POST /batches and GET /batches/{id} with a
 * results archive. `tooMany` answers that many calls 429.
 */
export type FakeMember = {
  id: string
  email_address: string
  status: 'subscribed' | 'unsubscribed' | 'cleaned' | 'pending'
  merge_fields: Record<string, string>
}

export const md5 = (email: string) => createHash('md5').update(email.toLowerCase()).digest('hex')

export async function startFakeMailchimp(options: { apiKey?: string } = {}) {
  const state = {
    apiKey: options.apiKey ?? 'k3y-us21',
    accountName: 'Acme Operators',
    lists: new Map<string, { id: string; name: string; body: Record<string, any> }>(),
    mergeFields: new Map<
      string,
      Array<{ merge_id: number; tag: string; name: string; type: string }>
    >(),
    members: new Map<string, Map<string, FakeMember>>(),
    webhooks: new Map<string, { id: string; list_id: string; url: string }>(),
    requests: [] as Array<{ method: string; path: string; status: number }>,
    tooMany: 0,
    /** addresses the fake refuses as invalid (400 "Invalid Resource") */
    invalid: new Set<string>(),
    batches: [] as Array<{ id: string; operations: number }>,
    inFlight: 0,
    maxInFlight: 0,
  }

  const problem = (status: number, title: string, detail: string) => ({
    type: 'https://mailchimp.com/developer/marketing/docs/errors/',
    title,
    status,
    detail,
    instance: randomBytes(8).toString('hex'),
  })

  async function readJson(request: IncomingMessage) {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    return text ? (JSON.parse(text) as Record<string, any>) : {}
  }

  /** a call as route() reads it: from the network, or one operation of a batch */
  type Call = {
    method: string
    authorization: string
    body: () => Promise<Record<string, any>>
  }
  const body = (call: Call) => call.body()

  function page<T>(items: T[], url: URL, key: string) {
    const offset = Number(url.searchParams.get('offset') ?? 0)
    const count = Math.min(Number(url.searchParams.get('count') ?? 10), 1000)
    return { [key]: items.slice(offset, offset + count), total_items: items.length }
  }

  function membersOf(listId: string) {
    let members = state.members.get(listId)
    if (!members) state.members.set(listId, (members = new Map()))
    return members
  }

  async function route(request: Call, url: URL): Promise<[number, unknown]> {
    const auth = request.authorization
    const decoded = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString()
    if (decoded.slice(decoded.indexOf(':') + 1) !== state.apiKey) {
      return [
        401,
        problem(
          401,
          'API Key Invalid',
          "Your API key may be invalid, or you've attempted to access the wrong datacenter."
        ),
      ]
    }
    if (state.tooMany > 0) {
      state.tooMany--
      return [
        429,
        problem(
          429,
          'Too Many Requests',
          'You have exceeded the limit of 10 simultaneous connections.'
        ),
      ]
    }
    const path = url.pathname.replace(/^\/3\.0/, '')
    const method = request.method!
    const parts = path.split('/').filter(Boolean)
    if (method === 'GET' && path === '/ping')
      return [200, { health_status: "Everything's Chimpy!" }]
    if (method === 'GET' && parts.length === 0) {
      return [
        200,
        { account_id: 'acc1', account_name: state.accountName, email: 'ops@example.com' },
      ]
    }
    if (parts[0] === 'batches') return batches(request, parts, url)
    if (parts[0] !== 'lists')
      return [404, problem(404, 'Resource Not Found', 'The requested resource could not be found.')]
    if (parts.length === 1 && method === 'GET')
      return [
        200,
        page(
          [...state.lists.values()].map((l) => ({ id: l.id, name: l.name })),
          url,
          'lists'
        ),
      ]
    if (parts.length === 1 && method === 'POST') {
      const input = await body(request)
      const missing = [
        'name',
        'contact',
        'permission_reminder',
        'campaign_defaults',
        'email_type_option',
      ].filter((key) => input[key] === undefined)
      if (missing.length > 0)
        return [400, problem(400, 'Invalid Resource', `Missing: ${missing.join(', ')}`)]
      const id = randomBytes(5).toString('hex')
      state.lists.set(id, { id, name: input.name, body: input })
      return [200, { id, name: input.name, stats: { member_count: 0 } }]
    }
    const list = state.lists.get(parts[1])
    if (!list)
      return [404, problem(404, 'Resource Not Found', 'The requested resource could not be found.')]
    const members = membersOf(list.id)
    if (parts.length === 2 && method === 'GET') {
      const count = [...members.values()].filter((m) => m.status === 'subscribed').length
      return [200, { id: list.id, name: list.name, stats: { member_count: count } }]
    }
    if (parts[2] === 'merge-fields') {
      const fields = state.mergeFields.get(list.id) ?? []
      state.mergeFields.set(list.id, fields)
      if (method === 'GET') return [200, page(fields, url, 'merge_fields')]
      const input = await body(request)
      if (fields.some((field) => field.tag === input.tag)) {
        return [
          400,
          problem(
            400,
            'Invalid Resource',
            `A Merge Field with the tag "${input.tag}" already exists for this list.`
          ),
        ]
      }
      const field = {
        merge_id: fields.length + 1,
        tag: input.tag,
        name: input.name,
        type: input.type,
      }
      fields.push(field)
      return [200, field]
    }
    if (parts[2] === 'members' && parts.length === 3 && method === 'GET') {
      const status = url.searchParams.get('status')
      const all = [...members.values()].filter((m) => !status || m.status === status)
      return [200, page(all, url, 'members')]
    }
    if (parts[2] === 'members' && parts.length === 4 && (method === 'PUT' || method === 'PATCH')) {
      const input = await body(request)
      const existing = members.get(parts[3])
      if (method === 'PATCH' && !existing)
        return [
          404,
          problem(404, 'Resource Not Found', 'The requested resource could not be found.'),
        ]
      const email = String(input.email_address ?? existing?.email_address ?? '')
      if (state.invalid.has(email) || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
        return [
          400,
          problem(
            400,
            'Invalid Resource',
            `${email} looks fake or invalid, please enter a real email address.`
          ),
        ]
      }
      const member: FakeMember = existing ?? {
        id: parts[3],
        email_address: email,
        status: input.status_if_new ?? input.status,
        merge_fields: {},
      }
      if (!member.status)
        return [
          400,
          problem(400, 'Invalid Resource', 'The resource submitted could not be validated.'),
        ]
      if (input.status) member.status = input.status
      member.email_address = email
      member.merge_fields = { ...member.merge_fields, ...(input.merge_fields ?? {}) }
      members.delete(parts[3])
      // an address change moves the member to its new hash (Mailchimp's id follows the address)
      member.id = md5(email)
      members.set(member.id, member)
      return [200, member]
    }
    if (
      parts[2] === 'members' &&
      parts[4] === 'actions' &&
      parts[5] === 'delete-permanent' &&
      method === 'POST'
    ) {
      if (!members.delete(parts[3]))
        return [
          404,
          problem(404, 'Resource Not Found', 'The requested resource could not be found.'),
        ]
      return [204, undefined]
    }
    if (parts[2] === 'webhooks') {
      if (method === 'GET')
        return [
          200,
          {
            webhooks: [...state.webhooks.values()].filter((w) => w.list_id === list.id),
            list_id: list.id,
            total_items: state.webhooks.size,
          },
        ]
      if (method === 'DELETE') {
        return state.webhooks.delete(parts[3])
          ? [204, undefined]
          : [404, problem(404, 'Resource Not Found', 'The requested resource could not be found.')]
      }
      const input = await body(request)
      const check = await fetch(input.url).catch(() => null)
      if (!check || check.status !== 200) {
        return [
          400,
          problem(
            400,
            'Invalid Resource',
            "The resource submitted could not be validated. For field-specific details, see the 'errors' array."
          ),
        ]
      }
      const id = randomBytes(5).toString('hex')
      state.webhooks.set(id, { id, list_id: list.id, url: input.url })
      return [200, { id, url: input.url, list_id: list.id }]
    }
    return [404, problem(404, 'Resource Not Found', 'The requested resource could not be found.')]
  }

  const batchesById = new Map<string, Record<string, any>>()
  const archives = new Map<string, Buffer>()

  /**
   * POST /batches: accepted "pending"; the operations run in the
   * background, the next status read says "started", the one after
   * "finished" with response_body_url: a .tar.gz of JSON files, each a
   * list of { status_code, operation_id, response } (response a JSON
   * string), served without authentication like Mailchimp's S3 link.
   */
  async function batches(request: Call, parts: string[], url: URL): Promise<[number, unknown]> {
    if (request.method === 'POST' && parts.length === 1) {
      const input = await body(request)
      if (!Array.isArray(input.operations)) {
        return [400, problem(400, 'Invalid Resource', 'operations is required')]
      }
      const id = randomBytes(5).toString('hex')
      const batch: Record<string, any> = {
        id,
        status: 'pending',
        total_operations: input.operations.length,
        finished_operations: 0,
        errored_operations: 0,
        submitted_at: new Date().toISOString(),
        completed_at: '',
        response_body_url: '',
        reads: 0,
      }
      batchesById.set(id, batch)
      state.batches.push({ id, operations: input.operations.length })
      const results: Array<Record<string, unknown>> = []
      for (const operation of input.operations) {
        const [status, payload] = await route(
          {
            method: operation.method,
            authorization: request.authorization,
            body: async () => (operation.body ? JSON.parse(operation.body) : {}),
          },
          new URL(`/3.0${operation.path}`, url)
        )
        results.push({
          status_code: status,
          operation_id: operation.operation_id,
          response: JSON.stringify(payload ?? {}),
        })
        batch.finished_operations++
        if (status >= 400) batch.errored_operations++
      }
      archives.set(id, await resultArchive(results))
      return [200, { ...batch, reads: undefined }]
    }
    const batch = batchesById.get(parts[1])
    if (!batch)
      return [404, problem(404, 'Resource Not Found', 'The requested resource could not be found.')]
    batch.reads++
    batch.status = batch.reads < 2 ? 'started' : 'finished'
    if (batch.status === 'finished') {
      batch.completed_at = new Date().toISOString()
      batch.response_body_url = `${origin()}/batch-results/${batch.id}.tar.gz`
    }
    return [200, { ...batch, reads: undefined }]
  }

  /** results split over files of 500, as Mailchimp's archives are */
  async function resultArchive(results: Array<Record<string, unknown>>) {
    const archive = pack()
    for (let start = 0, file = 0; start < results.length; start += 500, file++) {
      archive.entry({ name: `${file}.json` }, JSON.stringify(results.slice(start, start + 500)))
    }
    archive.finalize()
    const chunks: Buffer[] = []
    for await (const chunk of archive.pipe(createGzip())) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
  }

  let origin = () => ''

  async function handle(request: IncomingMessage, response: ServerResponse) {
    state.inFlight++
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight)
    const url = new URL(request.url!, 'http://fake')
    const archive = /^\/batch-results\/(\w+)\.tar\.gz$/.exec(url.pathname)
    if (archive && archives.has(archive[1])) {
      state.inFlight--
      response.writeHead(200, { 'content-type': 'application/x-gzip' })
      return response.end(archives.get(archive[1]))
    }
    try {
      const [status, payload] = await route(
        {
          method: request.method!,
          authorization: request.headers.authorization ?? '',
          body: () => readJson(request),
        },
        url
      )
      state.requests.push({ method: request.method!, path: url.pathname, status })
      response.writeHead(
        status,
        status >= 400
          ? { 'content-type': 'application/problem+json' }
          : { 'content-type': 'application/json' }
      )
      response.end(payload === undefined ? undefined : JSON.stringify(payload))
    } finally {
      state.inFlight--
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error) => {
      response.writeHead(500)
      response.end(String(error))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  origin = () => `http://127.0.0.1:${port}`
  return {
    url: `http://127.0.0.1:${port}/3.0`,
    state,
    members: (listId: string) => membersOf(listId),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
