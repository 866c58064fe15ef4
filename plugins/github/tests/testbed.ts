import { generateKeyPairSync, randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { postDelivery } from '#plugin-sdk/testing'
import type Organization from '#models/organization'
import { createConnection } from '#tests/helpers/connections'
import { withEnv } from '#tests/helpers/env'
import { startFakeGitHub, type FakeGitHub } from './fake_github/server.js'

/**
 * What the GitHub plugin's tests share: the App's registration (a key
 * pair generated once per run, so no key is ever committed), a fake
 * GitHub on a port the OS picks (GITHUB_API_URL and GITHUB_URL point at
 * it while it runs), signed deliveries and a queue worker.
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

/** A GitHub connection for an installation, as the setup callback stores it. */
export function connectInstallation(
  organization: Organization,
  installationId: number,
  config: Record<string, unknown> = {}
) {
  return createConnection(organization, {
    pluginId: 'github',
    accountKey: String(installationId),
    credentials: {},
    config: { installationId, accountLogin: 'acme', repositorySelection: 'all', ...config },
  })
}

export const BASE = `http://${process.env.HOST}:${process.env.PORT}`

/**
 * A delivery signed as GitHub signs it (X-Hub-Signature-256: HMAC-SHA256
 * of the raw body, hex, after "sha256="), POSTed to the test server by
 * the plugin test kit.
 */
export async function deliver(
  event: string,
  payload: unknown,
  options: { secret?: string; id?: string; path?: string } = {}
) {
  return postDelivery({
    pluginId: 'github',
    path: options.path,
    body: payload as Record<string, unknown>,
    headers: {
      'user-agent': 'GitHub-Hookshot/test',
      'x-github-event': event,
      'x-github-delivery': options.id ?? randomUUID(),
      'x-github-hook-id': '1',
      'x-github-hook-installation-target-type': 'integration',
      'x-github-hook-installation-target-id': String(APP.id),
    },
    sign: {
      secret: options.secret ?? APP.webhookSecret,
      header: 'x-hub-signature-256',
      prefix: 'sha256=',
    },
  })
}

export { processQueueUntil } from '#tests/helpers/queue'

export async function deliveryStatus(id: string) {
  const row = await db.from('webhook_deliveries').where('delivery_id', id).first()
  return row?.status ?? null
}

/** for the plugin's benchmark command */
export { benchOrganization, runSync } from '#tests/helpers/bench_fixtures'
export { withEnv } from '#tests/helpers/env'
