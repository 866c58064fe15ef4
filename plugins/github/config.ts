import { readFileSync } from 'node:fs'
import { environment } from './environment.js'

/**
 * The GitHub App's registration, read from the server's environment
 * (the variables declared in environment.ts): one
 * App serves every organisation, each of which installs it on its own
 * GitHub account. GITHUB_API_URL / GITHUB_URL point at GitHub Enterprise
 * Server (https://ghe.example.com/api/v3 and https://ghe.example.com).
 */
export type GitHubAppConfig = {
  appId: string | null
  privateKey: string | null
  webhookSecret: string | null
  clientId: string | null
  clientSecret: string | null
  appSlug: string | null
  apiUrl: string
  webUrl: string
  /** gap between two writes (check runs): GitHub asks for at least a second */
  writeIntervalMs: number
  /** pull requests updated within this many days get their size, reviews and first commit read */
  detailDays: number
  /** a repository archive larger than this is refused */
  maxSnapshotBytes: number
  /** problems reading the configuration, in plain words */
  problems: string[]
}

function readPrivateKey(problems: string[]): string | null {
  // PEM in one env line usually arrives with "\n" escapes.
  const inline = environment.get('GITHUB_APP_PRIVATE_KEY')?.replace(/\\n/g, '\n') ?? null
  const path = environment.get('GITHUB_APP_PRIVATE_KEY_PATH')
  if (inline) return inline
  if (!path) return null
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    problems.push(
      `the private key file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`
    )
    return null
  }
}

export function gitHubAppConfig(): GitHubAppConfig {
  const problems: string[] = []
  const privateKey = readPrivateKey(problems)
  if (privateKey && !privateKey.includes('PRIVATE KEY-----')) {
    problems.push(
      'the private key is not a PEM key (it should start with -----BEGIN RSA PRIVATE KEY-----)'
    )
  }
  return {
    appId: environment.get('GITHUB_APP_ID') ?? null,
    privateKey,
    webhookSecret: environment.get('GITHUB_WEBHOOK_SECRET') ?? null,
    clientId: environment.get('GITHUB_CLIENT_ID') ?? null,
    clientSecret: environment.get('GITHUB_CLIENT_SECRET') ?? null,
    appSlug: environment.get('GITHUB_APP_SLUG') ?? null,
    apiUrl: environment.get('GITHUB_API_URL'),
    webUrl: environment.get('GITHUB_URL'),
    writeIntervalMs: environment.get('GITHUB_WRITE_INTERVAL_MS'),
    detailDays: environment.get('GITHUB_PR_DETAIL_DAYS'),
    maxSnapshotBytes: environment.get('GITHUB_SNAPSHOT_MAX_BYTES'),
    problems,
  }
}

/**
 * What an administrator still has to set before organisations can
 * connect, in the words shown on the settings page.
 */
export function missingSettings(config = gitHubAppConfig()): string[] {
  const missing: string[] = []
  if (!config.appId) missing.push('the App ID (GITHUB_APP_ID)')
  if (!config.privateKey) {
    missing.push(
      'the private key (GITHUB_APP_PRIVATE_KEY, or a file in GITHUB_APP_PRIVATE_KEY_PATH)'
    )
  }
  if (!config.appSlug) missing.push("the App's URL name (GITHUB_APP_SLUG)")
  if (!config.clientId || !config.clientSecret) {
    missing.push('the client ID and secret (GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET)')
  }
  if (!config.webhookSecret) missing.push('the webhook secret (GITHUB_WEBHOOK_SECRET)')
  return [...missing, ...config.problems]
}
