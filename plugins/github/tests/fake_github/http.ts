import type { IncomingMessage } from 'node:http'
import type { FakeGitHubState, FakeRepository } from './state.js'

/**
 * What route handlers see and return. Handlers build a Reply; the
 * server adds what every REST answer carries (rate-limit headers, ETag,
 * request id), answers 304 to a matching If-None-Match, and records it.
 */
export type Caller =
  | { kind: 'none' }
  | { kind: 'jwt'; token: string }
  | { kind: 'installation'; token: string; installationId: number; repositoryIds: number[] | null }
  | { kind: 'user'; token: string; login: string }
  /** presented credentials that are wrong: GitHub answers 401 before anything else */
  | {
      kind: 'invalid'
      presented: 'jwt' | 'installation' | 'user' | 'none'
      message: string
      token: string
    }

export type ApiContext = {
  state: FakeGitHubState
  /** this server's origin, standing for both api.github.com and github.com */
  base: string
  url: URL
  method: string
  params: string[]
  caller: Caller
  body: Record<string, unknown>
}

/** for /repos/{owner}/{repo}/… routes, once the caller's access has been checked */
export type RepoContext = ApiContext & { repository: FakeRepository }

export type Reply = {
  status: number
  body?: unknown
  headers?: Record<string, string>
  /** epoch seconds: sent as Last-Modified and honoured in If-Modified-Since */
  lastModified?: number
}

export const DOCS_ROOT = 'https://docs.github.com/rest'

export function json(body: unknown, status = 200, lastModified?: number): Reply {
  return { status, body, lastModified }
}

export function failure(status: number, message: string, documentationUrl = DOCS_ROOT): Reply {
  return { status, body: { message, documentation_url: documentationUrl } }
}

export const notFound = () => failure(404, 'Not Found')

/** GitHub's validation failure: 422 with a list of field errors */
export function invalid(message: string, errors: unknown[], documentationUrl = DOCS_ROOT): Reply {
  return { status: 422, body: { message, errors, documentation_url: documentationUrl } }
}

const DEFAULT_PER_PAGE = 30
const MAX_PER_PAGE = 100

function positiveInteger(value: string | null) {
  const number = Number(value)
  return Number.isInteger(number) && number > 0 ? number : null
}

/**
 * One page of rows and the Link header GitHub sends with it: absolute
 * URLs on this server that keep every other query parameter.
 */
export function paginate<T>(context: ApiContext, rows: T[]) {
  const perPage = Math.min(
    positiveInteger(context.url.searchParams.get('per_page')) ?? DEFAULT_PER_PAGE,
    MAX_PER_PAGE
  )
  const current = positiveInteger(context.url.searchParams.get('page')) ?? 1
  const lastPage = Math.max(1, Math.ceil(rows.length / perPage))
  const pageUrl = (n: number) => {
    const target = new URL(`${context.base}${context.url.pathname}${context.url.search}`)
    target.searchParams.set('page', String(n))
    return `<${target.toString()}>`
  }
  const links: string[] = []
  if (current > 1) links.push(`${pageUrl(Math.min(current - 1, lastPage))}; rel="prev"`)
  if (current < lastPage)
    links.push(`${pageUrl(current + 1)}; rel="next"`, `${pageUrl(lastPage)}; rel="last"`)
  if (current > 1) links.push(`${pageUrl(1)}; rel="first"`)
  return {
    items: rows.slice((current - 1) * perPage, current * perPage),
    headers: (links.length > 0 ? { link: links.join(', ') } : {}) as Record<string, string>,
  }
}

/** a paginated JSON array answer */
export function page<T>(context: ApiContext, rows: T[], shape: (row: T) => unknown): Reply {
  const { items, headers } = paginate(context, rows)
  return { status: 200, body: items.map(shape), headers }
}

export async function readBody(request: IncomingMessage) {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** JSON bodies for the API; forms too, because the OAuth endpoint takes both */
export function parseBody(
  raw: string,
  contentType: string | undefined
): Record<string, unknown> | null {
  if (raw.trim() === '') return {}
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(raw))
  }
  try {
    const value = JSON.parse(raw)
    return value && typeof value === 'object' && !Array.isArray(value) ? value : null
  } catch {
    return null
  }
}

export function httpDate(seconds: number) {
  return new Date(seconds * 1000).toUTCString()
}

export function escapeHtml(text: string) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
