import type { RequestOptions } from 'node:http'
import type { WebApi } from 'azure-devops-node-api'
import type { IRequestHandler } from 'azure-devops-node-api/interfaces/common/VsoBaseInterfaces.js'
import type { ConnectionHandle } from '#plugin-sdk'
import { outboundNodeAgent } from '#plugin-sdk'

/**
 * Azure DevOps through Microsoft's azure-devops-node-api, pointed at the
 * connection's organisation URL (https://dev.azure.com/{org}, or an
 * Azure DevOps Server collection such as
 * https://tfs.example.com/tfs/DefaultCollection).
 */

export const API_VERSION = '7.1'

/** "Authorization: Basic" with an empty user name and the PAT as password, as Azure DevOps documents */
export function patAuthorization(token: string) {
  return `Basic ${Buffer.from(`:${token}`).toString('base64')}`
}

/** the organisation URL without a trailing slash */
export function organizationUrl(connection: Pick<ConnectionHandle, 'baseUrl'>) {
  return connection.baseUrl.replace(/\/+$/, '')
}

/**
 * The hosts a token may be sent to: the organisation's own, and for
 * Azure DevOps Services the Release host (vsrm.dev.azure.com/{org},
 * {org}.vsrm.visualstudio.com) that resource discovery points at.
 */
export function credentialHosts(baseUrl: string): Set<string> {
  const url = new URL(baseUrl)
  const hosts = new Set([url.host.toLowerCase()])
  if (url.hostname.toLowerCase() === 'dev.azure.com') hosts.add('vsrm.dev.azure.com')
  const legacy = /^([a-z0-9-]+)\.visualstudio\.com$/i.exec(url.hostname)
  if (legacy) hosts.add(`${legacy[1].toLowerCase()}.vsrm.visualstudio.com`)
  return hosts
}

/**
 * typed-rest-client's request handler: every request (and redirect hop)
 * connects through the outbound policy's agent, and the credentials go
 * only to the organisation's hosts.
 */
function guardedAuthHandler(baseUrl: string, authorization: string): IRequestHandler {
  const hosts = credentialHosts(baseUrl)
  const protocol = new URL(baseUrl).protocol === 'https:' ? 'https:' : 'http:'
  return {
    prepareRequest(options: RequestOptions) {
      options.agent = outboundNodeAgent(protocol)
      const port =
        options.port && !['80', '443'].includes(String(options.port)) ? `:${options.port}` : ''
      const headers = (options.headers ?? {}) as Record<string, string>
      if (hosts.has(`${options.host ?? ''}${port}`.toLowerCase()))
        headers.authorization = authorization
      else delete headers.authorization
      options.headers = headers
    },
    canHandleAuthentication: () => false,
    handleAuthentication: () => Promise.reject(new Error('not supported')),
  }
}

/** the request's Authorization for this connection: its PAT, or its Entra ID access token */
export async function authorizationOf(connection: ConnectionHandle): Promise<string> {
  if (connection.credentials.token) return patAuthorization(connection.credentials.token)
  return `Bearer ${await connection.accessToken()}`
}

export async function webApiFor(connection: ConnectionHandle): Promise<WebApi> {
  const baseUrl = organizationUrl(connection)
  // imported on first use: the library stays out of processes that never call Azure DevOps
  const { WebApi } = await import('azure-devops-node-api')
  return new WebApi(baseUrl, guardedAuthHandler(baseUrl, await authorizationOf(connection)), {
    socketTimeout: 30_000,
    allowRetries: true,
    maxRetries: 2,
    maxRedirects: 3,
  })
}

/** the HTTP status of an error thrown by azure-devops-node-api (typed-rest-client), or null */
export function statusOf(error: unknown): number | null {
  const status = (error as { statusCode?: unknown })?.statusCode
  return typeof status === 'number' ? status : null
}
