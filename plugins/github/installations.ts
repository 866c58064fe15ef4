import { Octokit } from '@octokit/core'
import { paginateRest } from '@octokit/plugin-paginate-rest'
import { exchangeWebFlowCode } from '@octokit/oauth-methods'
import { fetchInstallation, type GitHubInstallation } from './app_auth.js'
import { resolveAppConfig } from './config.js'

export class InstallationRefusedError extends Error {}

const PaginatingOctokit = Octokit.plugin(paginateRest)

/**
 * Proves that the signed-in user may act for an installation before it
 * is stored: GitHub's setup redirect carries an installation_id anyone
 * could edit, so the user's own OAuth code is exchanged for a token and
 * the installation must be among those that user can access
 * (GET /user/installations). Answers the installation as the App sees it.
 */
export async function verifyInstallationAccess(input: {
  code: string
  installationId: number
  redirectUrl: string
}): Promise<GitHubInstallation> {
  const config = await resolveAppConfig()
  let userToken: string
  try {
    const { authentication } = await exchangeWebFlowCode({
      clientType: 'github-app',
      clientId: config.clientId!,
      clientSecret: config.clientSecret!,
      code: input.code,
      redirectUrl: input.redirectUrl,
      request: new Octokit({ baseUrl: config.webUrl }).request,
    })
    userToken = authentication.token
  } catch (error) {
    throw new InstallationRefusedError(
      `GitHub did not accept the authorisation code (${(error as Error).message}). Start again.`
    )
  }
  const octokit = new PaginatingOctokit({ auth: userToken, baseUrl: config.apiUrl })
  const installations = await octokit.paginate('GET /user/installations', { per_page: 100 })
  if (!installations.some((installation) => installation.id === input.installationId)) {
    throw new InstallationRefusedError(
      `Your GitHub account cannot access installation ${input.installationId}. Ask an owner of the GitHub account it belongs to.`
    )
  }
  return fetchInstallation(input.installationId)
}

export async function installUrl(state: string) {
  const config = await resolveAppConfig()
  return `${config.webUrl}/apps/${encodeURIComponent(config.appSlug ?? '')}/installations/new?state=${encodeURIComponent(state)}`
}

export async function authorizeUrl(state: string, redirectUrl: string) {
  const config = await resolveAppConfig()
  const query = new URLSearchParams({
    client_id: config.clientId ?? '',
    redirect_uri: redirectUrl,
    state,
  })
  return `${config.webUrl}/login/oauth/authorize?${query}`
}
