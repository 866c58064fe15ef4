import { readFileSync } from 'node:fs'

/**
 * The GitHub App's registration, read from the server's environment: one
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

const trimmed = (value: string | undefined) => {
  const text = value?.trim()
  return text ? text : null
}

function readPrivateKey(problems: string[]): string | null {
  // PEM in one env line usually arrives with "\n" escapes.
  const inline = trimmed(process.env.GITHUB_APP_PRIVATE_KEY)?.replace(/\\n/g, '\n') ?? null
  const path = trimmed(process.env.GITHUB_APP_PRIVATE_KEY_PATH)
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

function positive(name: string, fallback: number) {
  const value = Number(process.env[name])
  return Number.isFinite(value) && value >= 0 ? value : fallback
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
    appId: trimmed(process.env.GITHUB_APP_ID),
    privateKey,
    webhookSecret: trimmed(process.env.GITHUB_WEBHOOK_SECRET),
    clientId: trimmed(process.env.GITHUB_CLIENT_ID),
    clientSecret: trimmed(process.env.GITHUB_CLIENT_SECRET),
    appSlug: trimmed(process.env.GITHUB_APP_SLUG),
    apiUrl: (trimmed(process.env.GITHUB_API_URL) ?? 'https://api.github.com').replace(/\/+$/, ''),
    webUrl: (trimmed(process.env.GITHUB_URL) ?? 'https://github.com').replace(/\/+$/, ''),
    writeIntervalMs: positive('GITHUB_WRITE_INTERVAL_MS', 1000),
    detailDays: positive('GITHUB_PR_DETAIL_DAYS', 180),
    maxSnapshotBytes: positive('GITHUB_SNAPSHOT_MAX_BYTES', 2 * 1024 ** 3),
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
