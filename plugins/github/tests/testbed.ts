import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { postDelivery } from '#plugin-sdk/testing'
import type Organization from '#models/organization'
import { createConnection } from '#tests/helpers/connections'
import { APP, installationConnection } from './fake_github/app.js'

/**
 * What the GitHub plugin's tests share: the App's registration and fake
 * GitHub (fake_github/app.ts, which `bench:github` uses too), signed
 * deliveries and a queue worker.
 */
export { APP, configureApp, startGitHub } from './fake_github/app.js'

/** A GitHub connection for an installation, as the setup callback stores it. */
export function connectInstallation(
  organization: Organization,
  installationId: number,
  config: Record<string, unknown> = {}
) {
  return createConnection(organization, installationConnection(installationId, config))
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
export { withEnv } from '#plugin-sdk/testing'
