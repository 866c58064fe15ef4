import { OAuthDriver, type PluginRouteContext } from '#plugin-sdk'
import { resolveAppConfig } from './config.js'
import { InstallationRefusedError } from './installations.js'

/**
 * GitHub's user authorisation (the web application flow of a GitHub
 * App), run by an ally driver: the redirect to /login/oauth/authorize
 * with a state kept in an encrypted cookie, the check of that state on
 * the way back, and the code traded for a user access token at
 * /login/oauth/access_token. The token only proves which installations
 * the user may access; it is never stored.
 *
 * Creating the driver reads (and clears) the state cookie: make one per
 * leg, when that leg runs.
 */
export async function userAuthorisation(ctx: PluginRouteContext, callbackUrl: string) {
  // the App's OAuth client: from the environment, or the App created in Admin → GitHub App
  const config = await resolveAppConfig()
  const authorizeUrl = `${config.webUrl}/login/oauth/authorize`
  const tokenUrl = `${config.webUrl}/login/oauth/access_token`
  const clientId = config.clientId ?? ''
  const clientSecret = config.clientSecret ?? ''
  return new OAuthDriver(ctx, {
    name: 'github_user',
    auth: { kind: 'oauth2', authorizeUrl, tokenUrl, clientId, clientSecret },
    clientId,
    clientSecret,
    callbackUrl,
    authorizeUrl,
    accessTokenUrl: tokenUrl,
  })
}

/** the user's token for the code GitHub sent back; GitHub answers errors as 200s, refused here */
export async function userToken(driver: OAuthDriver) {
  try {
    const token = await driver.tokenSet()
    return token.accessToken
  } catch (error) {
    throw new InstallationRefusedError(
      `GitHub did not accept the authorisation code (${(error as Error).message}). Start again.`
    )
  }
}
