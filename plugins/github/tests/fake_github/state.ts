import type { KeyObject } from 'node:crypto'
import { createHash } from 'node:crypto'
import type { TarEntrySpec } from './tarballs.js'

/**
 * The fake's data model. Everything is deterministic: ids come from
 * per-kind counters (so the same sequence of calls gives the same ids),
 * shas are sha1 of a seed string, and timestamps are epoch seconds
 * (GitHub's JSON carries second precision, so nothing finer is stored).
 */
export type AccountType = 'Organization' | 'User' | 'Bot'
export type FakeAccount = { login: string; id: number; type: AccountType }

export type FakeInstallation = {
  id: number
  account: FakeAccount
  repositorySelection: 'all' | 'selected'
  suspendedAt: number | null
  /** the App's "Members: read" organisation permission (teams); granted unless a test says not */
  membersPermission?: boolean
  createdAt: number
  updatedAt: number
}

/** an organisation's team: its members by login (direct members and those of child teams) */
export type FakeTeam = {
  id: number
  organization: string
  name: string
  slug: string
  description: string | null
  members: string[]
}

export type FakeCommit = {
  sha: string
  message: string
  /** null when the commit email belongs to no GitHub account (author: null in the API) */
  authorLogin: string | null
  authorName: string
  authorEmail: string
  date: number
  parents: string[]
  /** its files' unified diffs, as the single-commit endpoint gives them; generated when absent */
  files?: FakeCommitFile[]
  /** who committed it; GitHub's web-flow ("GitHub <noreply@github.com>") when absent */
  committer?: { login: string | null; name: string; email: string }
}

export type FakeCommitFile = { filename: string; status: 'added' | 'modified'; patch: string }

export type FakePullRequest = {
  id: number
  number: number
  title: string
  body: string | null
  state: 'open' | 'closed'
  merged: boolean
  draft: boolean
  authorLogin: string
  createdAt: number
  updatedAt: number
  closedAt: number | null
  mergedAt: number | null
  headRef: string
  headSha: string
  baseRef: string
  baseSha: string
  mergeCommitSha: string | null
  additions: number
  deletions: number
  changedFiles: number
  commits: number
  /** how many reviews the lazily generated review list holds */
  reviews: number
  comments: number
  reviewComments: number
  requestedReviewers: string[]
}

export type FakeRelease = {
  id: number
  tagName: string
  name: string
  draft: boolean
  prerelease: boolean
  createdAt: number
  publishedAt: number | null
  authorLogin: string
}

export type DeploymentState =
  'success' | 'failure' | 'error' | 'in_progress' | 'queued' | 'pending' | 'inactive'

export type FakeDeployment = {
  id: number
  sha: string
  ref: string
  environment: string
  createdAt: number
  updatedAt: number
  creatorLogin: string
  /** the state the status history ends in (statuses are generated lazily from it) */
  finalState: DeploymentState
}

export type FakeWorkflowRun = {
  id: number
  name: string
  workflowId: number
  runNumber: number
  headBranch: string
  headSha: string
  event: 'push' | 'pull_request' | 'schedule' | 'workflow_dispatch'
  status: 'completed' | 'in_progress' | 'queued'
  conclusion: 'success' | 'failure' | 'cancelled' | 'skipped' | null
  createdAt: number
  updatedAt: number
  runAttempt: number
  actorLogin: string
}

export type FakeRepository = {
  id: number
  installationId: number
  owner: FakeAccount
  name: string
  fullName: string
  defaultBranch: string
  private: boolean
  description: string | null
  language: string | null
  createdAt: number
  updatedAt: number
  pushedAt: number
  files: Record<string, string>
  /** raw tarball entries (setTarballEntries); null means "build the tarball from files" */
  tarballEntries: TarEntrySpec[] | null
  /** a real git repository the git data API answers from (setGitDirectory) */
  gitDirectory?: string | null
  /** oldest first; the last one is the head of the default branch */
  commits: FakeCommit[]
  pullRequests: FakePullRequest[]
  releases: FakeRelease[]
  deployments: FakeDeployment[]
  workflowRuns: FakeWorkflowRun[]
}

export type FakeUser = FakeAccount & { name: string; email: string; installationIds: number[] }

export type FakeCheckRun = {
  id: number
  repo: string
  name: string
  head_sha: string
  status: string
  conclusion: string | null
  output: { title?: string; summary?: string; text?: string } | null
  history: Array<{ status: string; conclusion: string | null }>
  started_at: string | null
  completed_at: string | null
  external_id: string | null
  details_url: string | null
}

export type RecordedRequest = {
  method: string
  path: string
  status: number
  authorization: 'jwt' | 'installation' | 'user' | 'none'
  installationToken?: string
}

export type FakeFaults = {
  /** the next API request answers 403 with Retry-After: 1 (a secondary rate limit) */
  secondaryRateLimitOnce?: boolean
  /** the next API request answers 403 with x-ratelimit-remaining: 0 (the primary limit) */
  primaryRateLimitOnce?: boolean
  /** the next N check-run writes answer 502 */
  checkRunFailures?: number
  /** the next N DELETE /app/installations/{id} answer 502 */
  uninstallFailures?: number
}

export type InstallationToken = {
  installationId: number
  expiresAt: number
  /** null: every repository of the installation; otherwise the ids the token was narrowed to */
  repositoryIds: number[] | null
}

export type FakeGitHubState = {
  app: { id: number; slug: string; name: string; clientId: string; clientSecret: string }
  /** the App's public key, replaced when an App is created from a manifest */
  appKey: KeyObject | null
  /** Apps created through the manifest flow: pending codes, then what was converted */
  manifestCodes: Map<
    string,
    { manifest: Record<string, any>; owner: string | null; expiresAt: number }
  >
  createdApps: Array<{
    id: number
    slug: string
    owner: string | null
    manifest: Record<string, any>
    webhookSecret: string
  }>
  /** the App's webhook configuration (PATCH /app/hook/config) */
  hookConfig: { url: string | null; content_type: string }
  setupUrl: string | null
  installations: Map<number, FakeInstallation>
  repositories: Map<string, FakeRepository>
  /** GitHub users who can sign in through OAuth, in the order they were added */
  users: FakeUser[]
  installationTokens: Map<string, InstallationToken>
  userTokens: Map<string, string>
  oauthCodes: Map<string, { login: string; redirectUri: string | null; expiresAt: number }>
  codeloadTokens: Map<string, { repo: string; sha: string; expiresAt: number }>
  checkRuns: FakeCheckRun[]
  teams: FakeTeam[]
  requests: RecordedRequest[]
  faults: FakeFaults
  tokensIssued: number
  counters: Record<string, number>
  /** the latest timestamp handed out, so "now" always sorts after seeded data */
  latest: number
}

/** Seeded data spreads over 2026, starting here (epoch seconds). */
export const EPOCH_2026 = Date.parse('2026-01-01T00:00:00Z') / 1000

export function sha1(seed: string) {
  return createHash('sha1').update(seed).digest('hex')
}

/** a stable pseudo-random integer for a seed string */
export function hashInt(seed: string) {
  return Number.parseInt(sha1(seed).slice(0, 8), 16)
}

/** GitHub's timestamp format: ISO 8601 in UTC, seconds precision, "Z" */
export function iso(seconds: number): string
export function iso(seconds: number | null): string | null
export function iso(seconds: number | null) {
  if (seconds === null) return null
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export function createState(app: FakeGitHubState['app']): FakeGitHubState {
  return {
    app,
    appKey: null,
    manifestCodes: new Map(),
    createdApps: [],
    hookConfig: { url: null, content_type: 'json' },
    setupUrl: null,
    installations: new Map(),
    repositories: new Map(),
    users: [],
    installationTokens: new Map(),
    userTokens: new Map(),
    oauthCodes: new Map(),
    codeloadTokens: new Map(),
    checkRuns: [],
    teams: [],
    requests: [],
    faults: {},
    tokensIssued: 0,
    counters: {},
    latest: EPOCH_2026,
  }
}

/** Ids per kind, each in its own range so a repository id never looks like a PR id. */
const ID_BASES: Record<string, number> = {
  repository: 500_000_000,
  pullRequest: 1_800_000_000,
  review: 2_100_000_000,
  release: 180_000_000,
  deployment: 1_400_000_000,
  deploymentStatus: 3_000_000_000,
  workflowRun: 9_000_000_000,
  checkRun: 24_000_000_000,
  team: 7_000_000,
}

export function nextId(state: FakeGitHubState, kind: keyof typeof ID_BASES | string) {
  state.counters[kind] = (state.counters[kind] ?? 0) + 1
  return (ID_BASES[kind] ?? 1_000_000) + state.counters[kind]
}

/** "now" in epoch seconds, strictly after every timestamp handed out so far */
export function tick(state: FakeGitHubState) {
  state.latest = Math.max(Math.floor(Date.now() / 1000), state.latest + 1)
  return state.latest
}

/** remembers a seeded timestamp, so later "now" values sort after it */
export function observe(state: FakeGitHubState, seconds: number) {
  if (seconds > state.latest) state.latest = seconds
  return seconds
}

/** Users get ids from their login, so an author keeps one id in every repository. */
export function accountFor(login: string, type: AccountType = 'User'): FakeAccount {
  if (login.endsWith('[bot]')) type = 'Bot'
  return { login, id: 10_000 + (hashInt(`user:${login}`) % 90_000_000), type }
}

/** GitHub's global node ids: a type prefix and an opaque base64 part. */
export function nodeId(prefix: string, id: number | string) {
  return `${prefix}_kwDO${Buffer.from(String(id)).toString('base64url')}`
}

export function findRepository(state: FakeGitHubState, fullName: string) {
  return state.repositories.get(fullName.toLowerCase())
}

export function requireRepository(state: FakeGitHubState, fullName: string) {
  const repository = findRepository(state, fullName)
  if (!repository) throw new Error(`fake GitHub: no repository ${fullName}`)
  return repository
}

export function requireInstallation(state: FakeGitHubState, installationId: number) {
  const installation = state.installations.get(installationId)
  if (!installation) throw new Error(`fake GitHub: no installation ${installationId}`)
  return installation
}

export function repositoriesOf(state: FakeGitHubState, installationId: number) {
  return [...state.repositories.values()].filter((repo) => repo.installationId === installationId)
}

export function headOf(repository: FakeRepository) {
  return repository.commits.at(-1)!
}
