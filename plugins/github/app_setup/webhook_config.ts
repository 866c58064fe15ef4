import { createAppAuth } from '@octokit/auth-app'
import { Octokit } from '@octokit/core'
import { resolveAppConfig } from '../config.js'

/**
 * Changes the App's webhook URL on GitHub (PATCH /app/hook/config,
 * authenticated as the App with its JWT).
 */
export async function updateAppWebhookUrl(url: string) {
  const config = await resolveAppConfig()
  if (!config.appId || !config.privateKey) throw new Error('The GitHub App is not configured')
  const auth = createAppAuth({
    appId: config.appId,
    privateKey: config.privateKey,
    request: new Octokit({ baseUrl: config.apiUrl }).request,
  })
  const { token } = await auth({ type: 'app' })
  const octokit = new Octokit({ baseUrl: config.apiUrl, auth: token })
  // `url` is Octokit's own option (the request's URL): the body goes in `data`
  await octokit.request('PATCH /app/hook/config', {
    data: { url, content_type: 'json' },
  } as Record<string, unknown>)
}
