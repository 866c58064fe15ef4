import type { IncomingMessage } from 'node:http'
import type { Answer } from './http.js'
import { changelogOf, cloudUser, issueJson, onlyFields, runJql, serverUser } from './issues.js'
import { ME } from './me.js'
import { CUSTOM_FIELDS, SYSTEM_FIELDS, type FakeSite, type FakeState } from './state.js'
import { adminWebhooks, dynamicWebhooks } from './webhooks.js'
import { agile } from './agile.js'
import { groups } from './groups.js'

/**
 * Jira's REST API on one site, as the fake serves it: /myself, project
 * search (Cloud) and the project list (Data Center), the enhanced JQL
 * search paged by nextPageToken (Cloud), the startAt search (Data
 * Center), an issue's changelog, and webhooks. `app` is true for
 * requests through the API gateway (an OAuth 2.0 app).
 */
export async function api(
  state: FakeState,
  request: IncomingMessage,
  target: FakeSite,
  path: string,
  url: URL,
  app: boolean
): Promise<Answer> {
  const cloud = path.startsWith('/rest/api/3/')
  const version = cloud ? 3 : 2
  const method = request.method ?? 'GET'
  if (path === `/rest/api/${version}/myself`) {
    return {
      status: 200,
      body: { ...(cloud ? cloudUser(ME) : serverUser(ME)), timeZone: target.timeZone },
    }
  }
  if (path === `/rest/api/${version}/field`) {
    return { status: 200, body: [...SYSTEM_FIELDS, ...Object.values(CUSTOM_FIELDS)] }
  }
  if (path === '/rest/api/3/project/search') {
    const startAt = Number(url.searchParams.get('startAt') ?? 0)
    const maxResults = Number(url.searchParams.get('maxResults') ?? 50)
    const values = target.projects.slice(startAt, startAt + maxResults)
    return {
      status: 200,
      body: {
        startAt,
        maxResults,
        total: target.projects.length,
        isLast: startAt + values.length >= target.projects.length,
        values,
      },
    }
  }
  if (path === '/rest/api/2/project') return { status: 200, body: target.projects }
  if (path === '/rest/api/3/search/jql' && method === 'GET') {
    const maxResults = Math.min(Number(url.searchParams.get('maxResults') ?? 50), 100)
    const offset = url.searchParams.get('nextPageToken')
      ? Number(Buffer.from(url.searchParams.get('nextPageToken')!, 'base64url').toString())
      : 0
    const expand = (url.searchParams.get('expand') ?? '').split(',')
    const all = runJql(target, url.searchParams.get('jql') ?? '', true)
    const issues = all
      .slice(offset, offset + maxResults)
      .map((issue) =>
        onlyFields(
          issueJson(target, issue, true, expand),
          url.searchParams.getAll('fields').join(',')
        )
      )
    const next = offset + maxResults < all.length
    return {
      status: 200,
      body: {
        issues,
        isLast: !next,
        ...(next
          ? { nextPageToken: Buffer.from(String(offset + maxResults)).toString('base64url') }
          : {}),
      },
    }
  }
  if (path === '/rest/api/2/search' && method === 'GET') {
    const startAt = Number(url.searchParams.get('startAt') ?? 0)
    const maxResults = Math.min(Number(url.searchParams.get('maxResults') ?? 50), 50)
    const expand = (url.searchParams.get('expand') ?? '').split(',')
    const all = runJql(target, url.searchParams.get('jql') ?? '', false)
    const issues = all
      .slice(startAt, startAt + maxResults)
      .map((issue) =>
        onlyFields(
          issueJson(target, issue, false, expand),
          url.searchParams.getAll('fields').join(',')
        )
      )
    return { status: 200, body: { startAt, maxResults, total: all.length, issues } }
  }
  const changelog = /^\/rest\/api\/3\/issue\/([^/]+)\/changelog$/.exec(path)
  if (changelog) {
    const issue = target.issues.find(
      (candidate) => candidate.key === changelog[1] || candidate.id === changelog[1]
    )
    if (!issue)
      return {
        status: 404,
        body: {
          errorMessages: ['Issue does not exist or you do not have permission to see it.'],
        },
      }
    const startAt = Number(url.searchParams.get('startAt') ?? 0)
    const maxResults = Math.min(Number(url.searchParams.get('maxResults') ?? 100), 100)
    const histories = changelogOf(issue, true, 100_000).histories
    const values = histories.slice(startAt, startAt + maxResults)
    return {
      status: 200,
      body: {
        startAt,
        maxResults,
        total: histories.length,
        isLast: startAt + values.length >= histories.length,
        values,
      },
    }
  }
  const directory = groups(target, path, url)
  if (directory) return directory
  const software = agile(target, path, url)
  if (software) return software
  if (path.startsWith('/rest/webhooks/1.0/webhook') && !app)
    return adminWebhooks(state, request, target, path, method)
  if (path.startsWith('/rest/api/3/webhook')) {
    if (!app)
      return {
        status: 403,
        body: { errorMessages: ['Only Connect and OAuth 2.0 apps can use this operation.'] },
      }
    return dynamicWebhooks(state, request, target, path, method, url)
  }
  return { status: 404, body: { errorMessages: [`No route for ${method} ${path}`] } }
}
