import { generateKeyPairSync } from 'node:crypto'
import { startFakeGitHub, type FakeGitHub } from './server.js'

/**
 * Fake GitHub in a process of its own, for `bench:github`: the sync's
 * memory is then the benchmark process's alone, without the fake's seeded
 * organisations (100,000 pull requests are hundreds of MiB of objects) or
 * its page serialisation counted in it. Forked with an IPC channel; the
 * parent (`startGitHubProcess` in process_client.ts) sends one command at
 * a time and gets one answer each.
 *
 * Imports neither the application nor the SDK: this process never boots
 * AdonisJS.
 */
export type FakeGitHubCommand =
  | { op: 'addInstallation'; id: number; login: string }
  | { op: 'seedOrganization'; installationId: number; repositories: number; pulls: number }
  | { op: 'requests' }
  | { op: 'resetRequests' }
  | { op: 'stop' }

const APP = {
  id: 424242,
  slug: 'sextant-test',
  clientId: 'Iv1.sextanttest',
  clientSecret: 'test-client-secret-not-secret',
  webhookSecret: 'test-webhook-secret-not-secret',
}

async function main() {
  const keys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  })
  const github: FakeGitHub = await startFakeGitHub({
    port: 0,
    appId: APP.id,
    publicKeyPem: keys.publicKey,
    clientId: APP.clientId,
    clientSecret: APP.clientSecret,
    appSlug: APP.slug,
  })
  const answer = (value: unknown) => process.send!({ ok: true, value })

  process.on('message', async (command: FakeGitHubCommand) => {
    try {
      switch (command.op) {
        case 'addInstallation':
          github.addInstallation({
            id: command.id,
            account: { login: command.login, type: 'Organization' },
          })
          return answer(null)
        case 'seedOrganization':
          github.seedOrganization(command.installationId, command.repositories, command.pulls)
          return answer(null)
        case 'requests':
          return answer({
            requests: github.requests.map(({ path, status }) => ({ path, status })),
            tokensIssued: github.tokensIssued,
          })
        case 'resetRequests':
          github.resetRequests()
          return answer(null)
        case 'stop':
          await github.stop()
          answer(null)
          return process.disconnect()
      }
    } catch (error) {
      process.send!({ ok: false, error: error instanceof Error ? error.message : String(error) })
    }
  })

  // what the plugin reads from .env, as an administrator would set it
  process.send!({
    ok: true,
    value: {
      env: {
        GITHUB_API_URL: github.url,
        GITHUB_URL: github.url,
        GITHUB_APP_ID: String(APP.id),
        GITHUB_APP_PRIVATE_KEY: keys.privateKey.replace(/\n/g, '\\n'),
        GITHUB_APP_SLUG: APP.slug,
        GITHUB_CLIENT_ID: APP.clientId,
        GITHUB_CLIENT_SECRET: APP.clientSecret,
        GITHUB_WEBHOOK_SECRET: APP.webhookSecret,
      },
    },
  })
}

await main()
