import { Octokit } from '@octokit/core'
import { paginateRest } from '@octokit/plugin-paginate-rest'
import { fetchInstallation, type GitHubInstallation } from './app_auth.js'
import { resolveAppConfig } from './config.js'

export class InstallationRefusedError extends Error {}

const PaginatingOctokit = Octokit.plugin(paginateRest)

/**
 * Proves that the signed-in user may act for an installation before it
 * is stored: GitHub's setup redirect carries an installation_id anyone
 * could edit, so the installation must be among those the user's own
 * token (from the user authorisation, user_authorisation.ts) can access
 * (GET /user/installations). Answers the installation as the App sees it.
 */
export async function verifyInstallationAccess(input: {
  userToken: string
  installationId: number
}): Promise<GitHubInstallation> {
  const config = await resolveAppConfig()
  const octokit = new PaginatingOctokit({ auth: input.userToken, baseUrl: config.apiUrl })
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
