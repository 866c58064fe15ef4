import type { OAuth2Auth } from '#plugin-sdk'
import { accountKeyOf } from './connect.js'
import { environment } from './environment.js'

/** Azure DevOps' resource id in Entra ID: its delegated permission, and a refresh token */
export const ENTRA_SCOPES = ['499b84ac-1321-427f-aa17-267ca6975798/.default', 'offline_access']

type Profile = { id: string; displayName?: string; emailAddress?: string }
type Account = { accountId: string; accountName: string; accountUri?: string }

/**
 * Microsoft Entra ID (OAuth 2.0 authorization code with PKCE) for
 * organisations that disable personal access tokens. The grant reaches
 * every organisation the user belongs to: the profile service lists
 * them, the user picks which to connect, each becomes a connection.
 */
export const entraAuth: OAuth2Auth = {
  kind: 'oauth2',
  authorizeUrl: () => `${environment.get('AZURE_DEVOPS_ENTRA_AUTHORITY')}/oauth2/v2.0/authorize`,
  tokenUrl: () => `${environment.get('AZURE_DEVOPS_ENTRA_AUTHORITY')}/oauth2/v2.0/token`,
  clientId: () => environment.get('AZURE_DEVOPS_ENTRA_CLIENT_ID') || undefined,
  clientSecret: () => environment.get('AZURE_DEVOPS_ENTRA_CLIENT_SECRET') || undefined,
  scopes: ENTRA_SCOPES,
  pkce: true,
  // Entra ID answers every refresh with a new refresh token
  rotatingRefreshTokens: true,
  async resolveAccounts(token, http) {
    const profiles = environment.get('AZURE_DEVOPS_PROFILE_URL')
    const services = environment.get('AZURE_DEVOPS_SERVICES_URL')
    const headers = { authorization: `Bearer ${token.accessToken}`, accept: 'application/json' }
    const profile = await http.get<Profile>(`${profiles}/_apis/profile/profiles/me`, {
      query: { 'api-version': '7.1' },
      headers,
      conditional: false,
    })
    const accounts = await http.get<{ value: Account[] }>(`${profiles}/_apis/accounts`, {
      query: { 'memberId': profile.data.id, 'api-version': '7.1' },
      headers,
      conditional: false,
    })
    return accounts.data.value.map((account) => {
      const baseUrl = `${services}/${encodeURIComponent(account.accountName)}`
      return { key: accountKeyOf(baseUrl), name: account.accountName, baseUrl }
    })
  },
}
