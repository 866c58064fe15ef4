import { createHmac, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Snyk } from '../types.js'

/**
 * A Snyk on loopback speaking its documented wire formats: the versioned
 * REST API (`/rest/...?version=YYYY-MM-DD`, JSON:API documents served as
 * application/vnd.api+json, cursor pagination by `starting_after` with
 * `links.next` written relative to the REST root as Snyk writes it,
 * `limit` 10..100), `Authorization: token <t>`, 429 with Retry-After, and
 * the v1 webhook and ignore endpoints. Webhook deliveries are signed as
 * Snyk signs them (X-Hub-Signature: sha256=HMAC of the body).
 */
export type FakeRequest = { method: string; path: string; query: URLSearchParams }

type TokenHolder = { id: string; type: 'user' | 'service_account'; name: string; orgs: string[] }

export class FakeSnyk {
  url = ''
  server: Server
  requests: FakeRequest[] = []
  tokens = new Map<string, TokenHolder>()
  orgs = new Map<string, Snyk.Org>()
  projects = new Map<string, Snyk.Project[]>()
  issues = new Map<string, Snyk.Issue[]>()
  ignores = new Map<string, Snyk.Ignores>()
  webhooks = new Map<string, { orgId: string; url: string; secret: string }>()
  /** how next links are written: relative to the REST root (as Snyk does), to the host, or absolute at another origin */
  links: { style: 'rest-root' | 'host' | 'absolute'; origin?: string } = { style: 'rest-root' }
  /** the next n requests are answered 429 with Retry-After */
  throttle = { count: 0, retryAfter: 1 }

  constructor() {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error) => {
        response.writeHead(500)
        response.end(String(error))
      })
    })
  }

  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this
  }

  stop() {
    this.server.closeAllConnections()
    return new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  reset() {
    this.requests = []
    this.tokens.clear()
    this.orgs.clear()
    this.projects.clear()
    this.issues.clear()
    this.ignores.clear()
    this.webhooks.clear()
    this.throttle = { count: 0, retryAfter: 1 }
    this.links = { style: 'rest-root' }
  }

  /** requests to a path (without query) matching the pattern */
  count(pattern: RegExp) {
    return this.requests.filter((request) => pattern.test(request.path)).length
  }

  addToken(token: string, holder: Omit<TokenHolder, 'id'>) {
    this.tokens.set(token, { id: randomUUID(), ...holder })
  }

  addOrg(name: string, slug = name.toLowerCase().replace(/\W+/g, '-')) {
    const org: Snyk.Org = {
      id: randomUUID(),
      type: 'org',
      attributes: { name, slug, is_personal: false },
    }
    this.orgs.set(org.id, org)
    this.projects.set(org.id, [])
    this.issues.set(org.id, [])
    return org
  }

  addProject(
    orgId: string,
    input: { name: string; origin?: string; url?: string | null; branch?: string; type?: string }
  ) {
    const project: Snyk.Project = {
      id: randomUUID(),
      type: 'project',
      attributes: {
        name: input.name,
        type: input.type ?? 'npm',
        target_file: 'package.json',
        target_reference: input.branch ?? 'main',
        origin: input.origin ?? 'github',
        created: '2026-01-05T10:00:00.000Z',
        status: 'active',
      },
      relationships: {
        organization: { data: { id: orgId } },
        target: {
          data: {
            id: randomUUID(),
            type: 'target',
            attributes: { display_name: input.name.split(':')[0], url: input.url ?? null },
          },
        },
      },
    }
    this.projects.get(orgId)!.push(project)
    return project
  }

  addIssue(
    orgId: string,
    projectId: string,
    input: Partial<Snyk.Issue['attributes']> & { cve?: string; fixable?: boolean; exploit?: string }
  ) {
    const id = randomUUID()
    const key = input.key ?? `SNYK-JS-PKG-${this.issues.get(orgId)!.length + 1}`
    const created = input.created_at ?? '2026-11-01T00:00:00.000Z'
    const issue: Snyk.Issue = {
      id,
      type: 'issue',
      attributes: {
        key,
        title: input.title ?? 'Prototype Pollution',
        type: input.type ?? 'package_vulnerability',
        status: input.status ?? 'open',
        ignored: input.ignored ?? false,
        effective_severity_level: input.effective_severity_level ?? 'high',
        created_at: created,
        updated_at: input.updated_at ?? created,
        resolution: input.resolution,
        problems: [
          { id: key, source: 'SNYK', type: 'vulnerability' },
          ...(input.cve ? [{ id: input.cve, source: 'NVD', type: 'vulnerability' }] : []),
          { id: 'CWE-1321', source: 'CWE', type: 'vulnerability' },
        ],
        coordinates: [
          {
            is_fixable_snyk: input.fixable ?? false,
            is_upgradeable: input.fixable ?? false,
            representations: [
              { dependency: { package_name: 'lodash', package_version: '4.17.15' } },
            ],
          },
        ],
        severities: [{ source: 'Snyk', level: 'high', score: 7.5, vector: 'CVSS:3.1/AV:N' }],
        exploit_details: input.exploit
          ? { maturity_levels: [{ format: 'CVSSv3', level: input.exploit }] }
          : undefined,
      },
      relationships: {
        organization: { data: { id: orgId } },
        scan_item: { data: { id: projectId, type: 'project' } },
      },
    }
    this.issues.get(orgId)!.push(issue)
    return issue
  }

  /** changes an issue as Snyk would, moving its updated_at */
  updateIssue(
    orgId: string,
    issueId: string,
    changes: Partial<Snyk.Issue['attributes']>,
    at: string
  ) {
    const issue = this.issues.get(orgId)!.find((candidate) => candidate.id === issueId)!
    Object.assign(issue.attributes, changes, { updated_at: at })
    return issue
  }

  /** a delivery signed with the webhook's secret, as Snyk sends it */
  async deliver(
    webhookId: string,
    event: string,
    payload: unknown,
    options: { secret?: string; origin?: string } = {}
  ) {
    const webhook = this.webhooks.get(webhookId)!
    const registered = new URL(webhook.url)
    const target = options.origin
      ? `${options.origin}${registered.pathname}${registered.search}`
      : webhook.url
    const body = JSON.stringify(payload)
    const signature = createHmac('sha256', options.secret ?? webhook.secret)
      .update(body)
      .digest('hex')
    return fetch(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-snyk-event': event,
        'x-snyk-transport-id': randomUUID(),
        'x-snyk-timestamp': new Date().toISOString(),
        'x-hub-signature': `sha256=${signature}`,
        'user-agent': 'Snyk-Webhooks/044aadd',
      },
      body,
    })
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url!, this.url)
    this.requests.push({ method: request.method!, path: url.pathname, query: url.searchParams })
    const send = (status: number, body: unknown, type = 'application/vnd.api+json') => {
      response.writeHead(status, { 'content-type': type })
      response.end(body === undefined ? '' : JSON.stringify(body))
    }
    const error = (status: number, detail: string) =>
      send(status, { jsonapi: { version: '1.0' }, errors: [{ status: String(status), detail }] })

    if (this.throttle.count > 0) {
      this.throttle.count--
      response.writeHead(429, {
        'retry-after': String(this.throttle.retryAfter),
        'content-type': 'application/vnd.api+json',
      })
      response.end(JSON.stringify({ errors: [{ status: '429', detail: 'Too many requests' }] }))
      return
    }
    const auth = /^token (.+)$/.exec(request.headers.authorization ?? '')
    const holder = auth ? this.tokens.get(auth[1]) : undefined
    if (!holder) return error(401, 'Unauthorized')
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined

    const v1 = /^\/v1\/org\/([^/]+)\/(.+)$/.exec(url.pathname)
    if (v1) return this.v1(holder, v1[1], v1[2], request.method!, body, send)
    if (!url.pathname.startsWith('/rest/')) return error(404, 'Not found')
    const version = url.searchParams.get('version')
    if (!version || !/^\d{4}-\d{2}-\d{2}(~(beta|experimental))?$/.test(version)) {
      return error(400, 'The version query parameter is required')
    }
    const limit = Number(url.searchParams.get('limit') ?? 10)
    if (!Number.isInteger(limit) || limit < 10 || limit > 100)
      return error(400, 'limit must be 10..100')
    const path = url.pathname.slice('/rest'.length)

    if (path === '/self') {
      return send(200, {
        jsonapi: { version: '1.0' },
        data: {
          id: holder.id,
          type: holder.type,
          attributes: { name: holder.name, username: holder.name },
        },
        links: { self: '/self' },
      })
    }
    if (path === '/orgs') {
      const orgs = holder.orgs.map((id) => this.orgs.get(id)!)
      return send(200, this.page(orgs, url, path, limit))
    }
    const scoped = /^\/orgs\/([^/]+)\/(projects|issues)$/.exec(path)
    if (!scoped) return error(404, 'Not found')
    const [, orgId, collection] = scoped
    if (!holder.orgs.includes(orgId)) return error(404, 'Org not found')
    if (collection === 'projects') {
      const projects = this.projects.get(orgId)!.map((project) =>
        url.searchParams.get('expand') === 'target'
          ? project
          : {
              ...project,
              relationships: {
                ...project.relationships,
                target: { data: { id: project.relationships!.target!.data.id, type: 'target' } },
              },
            }
      )
      return send(200, this.page(projects, url, path, limit))
    }
    const after = url.searchParams.get('updated_after')
    const scanItem = url.searchParams.get('scan_item_id')
    const issues = this.issues
      .get(orgId)!
      .filter((issue) => !after || issue.attributes.updated_at > after)
      .filter((issue) => !scanItem || issue.relationships?.scan_item?.data.id === scanItem)
    return send(200, this.page(issues, url, path, limit))
  }

  /** one page from `starting_after`, with links relative to the REST root */
  private page<T>(rows: T[], url: URL, path: string, limit: number) {
    const cursor = url.searchParams.get('starting_after')
    const offset = cursor
      ? JSON.parse(Buffer.from(cursor.slice(3), 'base64url').toString()).offset
      : 0
    const data = rows.slice(offset, offset + limit)
    const links: Snyk.Links = { self: `${path}${url.search}` }
    if (offset + limit < rows.length) {
      const next = new URLSearchParams(url.searchParams)
      next.set(
        'starting_after',
        `v1.${Buffer.from(JSON.stringify({ offset: offset + limit })).toString('base64url')}`
      )
      links.next =
        this.links.style === 'rest-root'
          ? `${path}?${next}`
          : this.links.style === 'host'
            ? `/rest${path}?${next}`
            : `${this.links.origin}/rest${path}?${next}`
    }
    return { jsonapi: { version: '1.0' }, data, links }
  }

  private v1(
    holder: TokenHolder,
    orgId: string,
    rest: string,
    method: string,
    body: any,
    send: (status: number, body: unknown, type?: string) => void
  ) {
    if (!holder.orgs.includes(orgId))
      return send(404, { message: 'Org not found' }, 'application/json')
    const ignores = /^project\/([^/]+)\/ignores$/.exec(rest)
    if (ignores && method === 'GET') {
      return send(200, this.ignores.get(ignores[1]) ?? {}, 'application/json')
    }
    if (rest === 'webhooks' && method === 'POST') {
      if (!body?.url || !body?.secret)
        return send(400, { message: 'url and secret are required' }, 'application/json')
      const id = randomUUID()
      this.webhooks.set(id, { orgId, url: body.url, secret: body.secret })
      return send(200, { id, url: body.url }, 'application/json')
    }
    const hook = /^webhooks\/([^/]+)$/.exec(rest)
    if (hook && method === 'DELETE') {
      const existing = this.webhooks.get(hook[1])
      if (!existing || existing.orgId !== orgId)
        return send(404, { message: 'Not found' }, 'application/json')
      this.webhooks.delete(hook[1])
      return send(200, {}, 'application/json')
    }
    return send(404, { message: 'Not found' }, 'application/json')
  }
}

export async function startFakeSnyk() {
  return new FakeSnyk().start()
}
