import { randomUUID } from 'node:crypto'

/**
 * What fake Bitbucket Cloud holds: workspaces, repositories with their
 * pull requests (participants, activity, diffstat), commits and
 * Pipelines runs, the webhooks registered on it and the build statuses
 * posted to it, as the REST API 2.0 reference describes those objects.
 */
export type FakeUser = { uuid: string; account_id: string; display_name: string; nickname: string }

export type FakePullRequest = {
  id: number
  title: string
  state: 'OPEN' | 'MERGED' | 'DECLINED' | 'SUPERSEDED'
  author: FakeUser
  source: { branch: { name: string }; commit: { hash: string } }
  destination: { branch: { name: string }; commit: { hash: string } }
  merge_commit: { hash: string } | null
  created_on: string
  updated_on: string
  comment_count: number
  /**
   * The description, as the list, the pull request and webhook payloads
   * carry it: the plain field and the rendered-content object (its `raw`
   * is the Markdown as written). Empty ("") when none was written.
   */
  description: string
  summary: { type: 'rendered'; raw: string; markup: 'markdown'; html: string }
  participants: Array<{
    user: FakeUser
    role: 'PARTICIPANT' | 'REVIEWER'
    approved: boolean
    state: 'approved' | 'changes_requested' | null
    participated_on: string | null
  }>
  activity: Array<Record<string, unknown>>
  diffstat: Array<{ status: string; lines_added: number; lines_removed: number }>
  /** GET …/pullrequests/{id}/commits, newest first */
  commits?: FakeCommit[]
}

/** a commit object as Bitbucket lists it: `parents` are `{ hash, type: 'commit' }` */
export type FakeCommit = {
  hash: string
  message: string
  date: string
  author: FakeUser
  raw: string
  parents?: Array<{ hash: string; type: 'commit' }>
  /**
   * its raw git-style diff (GET …/diff/{hash}, text/plain); when absent,
   * one that adds a line to README.md
   */
  diff?: string
}

export type FakeRepository = {
  uuid: string
  workspace: string
  slug: string
  name: string
  mainbranch: string
  updated_on: string
  language: string
  is_private: boolean
  pullRequests: FakePullRequest[]
  /** the main branch's commits, newest first */
  commits: FakeCommit[]
  pipelines: Array<Record<string, unknown>>
  environments: Array<{ uuid: string; name: string }>
  deployments: Array<Record<string, unknown>>
  /** tarballs by commit hash (GET /{workspace}/{repo}/get/{sha}.tar.gz) */
  tarballs: Map<string, Buffer>
}

export type FakeHook = {
  uuid: string
  /** "/2.0/workspaces/acme" or "/2.0/repositories/acme/api" */
  subject: string
  url: string
  secret: string
  description: string
  events: string[]
  active: boolean
}

export type FakeBuildStatus = {
  uuid: string
  key: string
  state: string
  name?: string
  description?: string
  url: string
  refname?: string
}

export function fakeUser(nickname: string): FakeUser {
  return {
    uuid: `{${randomUUID()}}`,
    account_id: `5b${Buffer.from(nickname).toString('hex').slice(0, 20)}`,
    display_name: nickname.replace(/^\w/, (c) => c.toUpperCase()),
    nickname,
  }
}

export function newState() {
  return {
    consumer: {
      key: 'bb-consumer-key',
      secret: 'bb-consumer-secret-not-secret',
      /** the consumer's registered callback URL; null: any redirect_uri is taken */
      callbackUrl: null as string | null,
    },
    me: fakeUser('jdoe'),
    workspaces: [] as Array<{ uuid: string; slug: string; name: string }>,
    repositories: new Map<string, FakeRepository>(),
    /** OAuth access tokens that are live (Bearer) */
    tokens: new Set<string>(),
    /** workspace access tokens: token → the one workspace it reaches */
    workspaceTokens: new Map<string, string>([['ws-access-token-acme', 'acme']]),
    /** Atlassian account email → API token, accepted over HTTP Basic */
    apiTokens: new Map<string, string>([['jdoe@example.com', 'atlassian-api-token']]),
    hooks: new Map<string, FakeHook>(),
    statuses: new Map<string, Map<string, FakeBuildStatus>>(),
    /** every build status write in order: "sha key STATE" */
    statusLog: [] as string[],
    requests: [] as Array<{ method: string; path: string; status: number }>,
    refreshes: 0,
    rejectedRefreshes: 0,
    /** the workspace's groups (GET /1.0/groups/{workspace}) */
    groups: [] as Array<{ name: string; slug: string; permission?: string; members: FakeUser[] }>,
    /** the credential may not read the groups (not a workspace admin): 403 */
    groupsForbidden: false,
    /** the credential may not manage the workspace's webhooks (not a workspace admin) */
    workspaceHooksForbidden: false,
    /** the next API request is answered 429 with this Retry-After */
    rateLimitOnce: undefined as number | undefined,
  }
}

export type FakeState = ReturnType<typeof newState>
