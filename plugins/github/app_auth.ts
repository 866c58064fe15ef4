import { createAppAuth } from '@octokit/auth-app'
import { Octokit } from '@octokit/core'
import { resolveAppConfig } from './config.js'

export class GitHubAppNotConfiguredError extends Error {}

/**
 * The App's own identity (a JWT signed with its private key) and the
 * installation tokens it mints, through Octokit's App authentication.
 * Sextant caches each minted token sealed on the connection, so Octokit's
 * in-memory cache is bypassed with refresh: true.
 */
async function appAuth() {
  const config = await resolveAppConfig()
  if (!config.appId || !config.privateKey) {
    throw new GitHubAppNotConfiguredError(
      'The GitHub App is not configured on this server: create it in Admin → GitHub App, or set GITHUB_APP_ID and its private key'
    )
  }
  const request = new Octokit({ baseUrl: config.apiUrl }).request
  return createAppAuth({ appId: config.appId, privateKey: config.privateKey, request })
}

export async function mintInstallationToken(installationId: string | number) {
  const authentication = await (
    await appAuth()
  )({
    type: 'installation',
    installationId: Number(installationId),
    refresh: true,
  })
  return { token: authentication.token, expiresAt: new Date(authentication.expiresAt) }
}

export type GitHubInstallation = {
  id: number
  account: { login: string; id: number; type: string } | null
  repository_selection: 'all' | 'selected'
  suspended_at: string | null
  html_url?: string
}

/** An installation as the App sees it (authenticated with its JWT). */
export async function fetchInstallation(installationId: string | number) {
  const auth = await appAuth()
  const { token } = await auth({ type: 'app' })
  const { apiUrl } = await resolveAppConfig()
  const octokit = new Octokit({ baseUrl: apiUrl, auth: token })
  const { data } = await octokit.request('GET /app/installations/{installation_id}', {
    installation_id: Number(installationId),
  })
  return data as unknown as GitHubInstallation
}

/**
 * Uninstalls the App from the installation's account
 * (DELETE /app/installations/{installation_id}, authenticated as the App
 * with its JWT). An installation GitHub no longer has (404) is already
 * uninstalled: 'gone'.
 */
export async function uninstallInstallation(
  installationId: string | number
): Promise<'uninstalled' | 'gone'> {
  const auth = await appAuth()
  const { token } = await auth({ type: 'app' })
  const { apiUrl } = await resolveAppConfig()
  const octokit = new Octokit({ baseUrl: apiUrl, auth: token })
  try {
    await octokit.request('DELETE /app/installations/{installation_id}', {
      installation_id: Number(installationId),
    })
    return 'uninstalled'
  } catch (error) {
    if ((error as { status?: number }).status === 404) return 'gone'
    throw error
  }
}
