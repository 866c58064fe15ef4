import { HttpError, PaginationError, type HttpClient } from '#plugin-sdk'
import { environment } from './environment.js'
import type { Snyk } from './types.js'

/** Snyk's largest page for the REST lists the plugin reads */
export const PAGE_SIZE = 100

/**
 * Snyk's REST API over the platform's HTTP client (conditional, counted,
 * rate limited: a 429 is waited out by its Retry-After), plus the two v1
 * endpoints REST has no equivalent for yet (webhooks, ignore details).
 * Requests authenticate with `Authorization: token <t>` (plugin.ts).
 */
export class SnykClient {
  constructor(readonly http: HttpClient) {}

  get version() {
    return environment.get('SNYK_API_VERSION')
  }

  self() {
    return this.http
      .get<Snyk.Document<Snyk.Self>>('/rest/self', {
        query: { version: this.version },
        conditional: false,
      })
      .then((response) => response.data.data)
  }

  async orgs(): Promise<Snyk.Org[]> {
    const orgs: Snyk.Org[] = []
    for await (const page of this.pages<Snyk.Org>('/rest/orgs', { limit: PAGE_SIZE })) {
      orgs.push(...page)
    }
    return orgs
  }

  /** the org's projects with their targets (repository URL or name), a page at a time */
  projects(orgId: string) {
    return this.pages<Snyk.Project>(`/rest/orgs/${encodeURIComponent(orgId)}/projects`, {
      limit: PAGE_SIZE,
      expand: 'target',
    })
  }

  /**
   * The org's issues, a page at a time; with `updatedAfter`, only the ones
   * changed since (open and resolved alike); with `projectId`, one project's.
   */
  issues(orgId: string, options: { updatedAfter?: string | null; projectId?: string } = {}) {
    return this.pages<Snyk.Issue>(`/rest/orgs/${encodeURIComponent(orgId)}/issues`, {
      limit: PAGE_SIZE,
      updated_after: options.updatedAfter ?? undefined,
      scan_item_id: options.projectId,
      ['scan_item.type' as string]: options.projectId ? 'project' : undefined,
    })
  }

  /** v1: why and until when each of a project's ignored issues is ignored */
  async ignores(orgId: string, projectId: string): Promise<Snyk.Ignores> {
    const response = await this.http.get<Snyk.Ignores>(
      `/v1/org/${encodeURIComponent(orgId)}/project/${encodeURIComponent(projectId)}/ignores`,
      { conditional: false }
    )
    return response.data ?? {}
  }

  async createWebhook(orgId: string, url: string, secret: string): Promise<Snyk.Webhook> {
    const response = await this.http.post<Snyk.Webhook>(
      `/v1/org/${encodeURIComponent(orgId)}/webhooks`,
      { body: { url, secret } }
    )
    return response.data
  }

  /** deleting a webhook that is already gone is done */
  async deleteWebhook(orgId: string, webhookId: string) {
    try {
      await this.http.request(
        'DELETE',
        `/v1/org/${encodeURIComponent(orgId)}/webhooks/${encodeURIComponent(webhookId)}`
      )
    } catch (error) {
      if (!(error instanceof HttpError && error.status === 404)) throw error
    }
  }

  /**
   * Walks a JSON:API collection by `links.next`. Each page is an ordinary
   * request of the client. Snyk writes next links relative to the REST
   * root (`/orgs/…?starting_after=…`) or to the host (`/rest/orgs/…`);
   * both are read as paths under /rest on the same origin. An absolute
   * link to another origin is refused, and a link already followed ends
   * the walk.
   */
  async *pages<T>(
    path: string,
    query: Record<string, string | number | boolean | undefined | null>
  ): AsyncGenerator<T[]> {
    let next: string | null = path
    let first = true
    const seen = new Set<string>()
    while (next) {
      const response: Awaited<ReturnType<HttpClient['get']>> = await this.http.get<
        Snyk.Document<T[]>
      >(next, first ? { query: { version: this.version, ...query } } : {})
      first = false
      const document = response.data as Snyk.Document<T[]>
      if (!document || !Array.isArray(document.data)) {
        throw new PaginationError(`Snyk answered ${path} without a data list`)
      }
      yield document.data
      const link = document.links?.next
      next = link && document.data.length > 0 ? this.restPath(link, response.url) : null
      if (next && seen.has(next)) next = null
      if (next) seen.add(next)
    }
  }

  restPath(link: string, answeredUrl: string): string {
    const answered = new URL(answeredUrl)
    const url = new URL(link, answered.origin)
    if (url.origin !== answered.origin) {
      throw new PaginationError(`Snyk's next page points at another origin (${url.origin})`)
    }
    const pathname = url.pathname.startsWith('/rest/') ? url.pathname : `/rest${url.pathname}`
    return `${pathname}${url.search}`
  }
}
