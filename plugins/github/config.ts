import { readFileSync } from 'node:fs'
import { environment } from './environment.js'
import { currentRegistration } from './app_setup/registration.js'

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

/** where the App's credentials come from: the environment wins over an App created from Sextant */
export type AppConfigSource = 'environment' | 'database' | null

export type ResolvedAppConfig = GitHubAppConfig & { source: AppConfigSource }

const CREDENTIAL_VARIABLES = [
  'GITHUB_APP_ID',
  'GITHUB_APP_PRIVATE_KEY',
  'GITHUB_APP_PRIVATE_KEY_PATH',
  'GITHUB_APP_SLUG',
  'GITHUB_CLIENT_ID',
  'GITHUB_CLIENT_SECRET',
  'GITHUB_WEBHOOK_SECRET',
] as const

/** whether an administrator configured the App by environment variables (any of them) */
export function configuredByEnvironment() {
  return CREDENTIAL_VARIABLES.some((name) => Boolean(environment.get(name)?.trim()))
}

/**
 * The App's settings with its credentials: from the environment when
 * any of its variables is set (deployments configured by hand keep
 * working, and a half-set environment is reported, never silently
 * mixed with a stored App), else from the App created in Admin →
 * GitHub App, else none.
 */
export async function resolveAppConfig(): Promise<ResolvedAppConfig> {
  const config = gitHubAppConfig()
  if (configuredByEnvironment()) return { ...config, source: 'environment' }
  const registration = await currentRegistration()
  if (!registration) return { ...config, source: null }
  return {
    ...config,
    appId: registration.appId,
    privateKey: registration.privateKey,
    webhookSecret: registration.webhookSecret,
    clientId: registration.clientId,
    clientSecret: registration.clientSecret,
    appSlug: registration.slug,
    source: 'database',
  }
}

/**
 * What an administrator still has to set before organisations can
 * connect, in the words shown on the settings page.
 */
export function missingSettings(config: ResolvedAppConfig): string[] {
  const missing: string[] = []
  if (config.source === null) {
    return [
      'a GitHub App: a superuser creates it in Admin → GitHub App, or sets GITHUB_APP_ID and the variables in docs/github.md',
    ]
  }
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
