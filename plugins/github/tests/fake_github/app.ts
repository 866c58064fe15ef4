import { generateKeyPairSync } from 'node:crypto'
import { withEnv } from '#plugin-sdk/testing'
import { startFakeGitHub, type FakeGitHub } from './server.js'

/**
 * The GitHub App that the tests and `bench:github` register with fake
 * GitHub: a key pair generated once per run (no key is ever committed),
 * and the settings an administrator would put in .env. Imports only the
 * SDK and its test kit, like the bench command that uses it (lint).
 */
export const APP = {
  id: 424242,
  slug: 'sextant-test',
  clientId: 'Iv1.sextanttest',
  clientSecret: 'test-client-secret-not-secret',
  webhookSecret: 'test-webhook-secret-not-secret',
}

const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
})

/** The App's settings as an administrator would put them in .env. */
export function configureApp() {
  process.env.GITHUB_APP_ID = String(APP.id)
  process.env.GITHUB_APP_PRIVATE_KEY = keys.privateKey.replace(/\n/g, '\\n')
  process.env.GITHUB_APP_SLUG = APP.slug
  process.env.GITHUB_CLIENT_ID = APP.clientId
  process.env.GITHUB_CLIENT_SECRET = APP.clientSecret
  process.env.GITHUB_WEBHOOK_SECRET = APP.webhookSecret
}

/**
 * Starts fake GitHub and points the plugin at it (the plugin reads its
 * settings from the environment on each use, and processes a test spawns
 * inherit them); stop() puts the previous values back.
 */
export async function startGitHub(): Promise<FakeGitHub> {
  configureApp()
  const github = await startFakeGitHub({
    port: 0,
    appId: APP.id,
    publicKeyPem: keys.publicKey,
    clientId: APP.clientId,
    clientSecret: APP.clientSecret,
    appSlug: APP.slug,
  })
  const restoreEnv = withEnv({ GITHUB_API_URL: github.url, GITHUB_URL: github.url })
  const stop = github.stop.bind(github)
  github.stop = async () => {
    restoreEnv()
    await stop()
  }
  return github
}

/** A GitHub connection's values for an installation, as the setup callback stores them. */
export function installationConnection(
  installationId: number,
  config: Record<string, unknown> = {}
) {
  return {
    pluginId: 'github',
    accountKey: String(installationId),
    credentials: {},
    config: { installationId, accountLogin: 'acme', repositorySelection: 'all', ...config },
  }
}
