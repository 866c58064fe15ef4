import type { HttpClient } from '#services/http/client'
import type {
  AppInstallationAuth,
  ConnectionField,
  ConnectionHandle,
  ConnectionTestResult,
  OAuth2Auth,
  OAuthTokenSet,
  TokenAuth,
} from '#plugin-sdk/types'

/**
 * Several ways to connect one provider (Bitbucket: OAuth 2.0 or an API
 * token; Jira: OAuth 2.0 (3LO) or email + API token; Azure DevOps: a
 * personal access token or Microsoft Entra ID). The connect page offers
 * each as its own form and the user picks one; the connection remembers
 * the method it was made with, so its requests, test and token refresh
 * follow that method.
 */

/**
 * Username and password (or email and API token) sent as HTTP Basic
 * authentication: the platform builds the header from the two named
 * fields, the password one being sealed.
 */
export type BasicAuth = { kind: 'basic'; usernameField: string; passwordField: string }

/** one provider-side account a credential reaches (a Jira site, a Bitbucket workspace) */
export type ResolvedAccount = {
  /** stable provider-side identifier: the connection's account key */
  key: string
  /** shown to the user when picking, and as the connection's name */
  name: string
  /** the API root of this account, when it differs from the plugin's default */
  baseUrl?: string
  /** plain (non-secret) settings stored on the connection */
  config?: Record<string, unknown>
}

/**
 * Lists the accounts an OAuth grant reaches. `http` is a client without
 * authentication headers: add the bearer token yourself.
 */
export type ResolveAccounts = (token: OAuthTokenSet, http: HttpClient) => Promise<ResolvedAccount[]>

/** the ways a method may authenticate (nothing-to-connect plugins declare no methods) */
export type MethodAuth = TokenAuth | BasicAuth | OAuth2Auth | AppInstallationAuth

export type AuthMethod = {
  /** stable id, stored on each connection made with it: a-z, 0-9 and dashes */
  id: string
  /** what the connect page calls it ("OAuth 2.0", "Email and API token") */
  label: string
  /** one sentence on when to pick it */
  help?: string
  auth: MethodAuth
  /** the method's own form fields (token and basic methods) */
  fields?: ConnectionField[]
  validator?: { validate(data: unknown): Promise<Record<string, unknown>> }
  /** overrides the connection-wide test for connections made with this method */
  test?: (connection: ConnectionHandle) => Promise<ConnectionTestResult>
  /** overrides the connection-wide accountKey for this method */
  accountKey?: (input: { config: Record<string, unknown>; baseUrl: string }) => string
  /** overrides the connection-wide requestHeaders for this method */
  requestHeaders?: (
    connection: ConnectionHandle
  ) => Record<string, string> | Promise<Record<string, string>>
}
