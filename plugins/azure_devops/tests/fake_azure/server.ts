import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHash, randomUUID } from 'node:crypto'
import { pagedAnswer } from '#plugin-sdk/testing'
import { AREAS, RESOURCE_LOCATIONS } from './locations.js'
import { gitObjectRoute, type GitDirectories } from './git_objects.js'
import { teamRoute, type FakeTeam, type FakeTeamMember } from './routes_teams.js'

export type { FakeTeam, FakeTeamMember } from './routes_teams.js'

/**
 * A fake Azure DevOps organisation on loopback, speaking the REST wire
 * format azure-devops-node-api and Sextant's HTTP client expect:
 * location discovery (`_apis/ResourceAreas`, `OPTIONS _apis/<area>`),
 * `{ count, value }` envelopes, `x-ms-continuationtoken` continuation,
 * `$top`/`$skip` pull request pages, basic authentication with a PAT
 * (any user name, the token as password) and its scopes, service hook
 * subscriptions, pull request statuses, and 429 with Retry-After.
 */

export const ALL_SCOPES = [
  'vso.code',
  'vso.code_status',
  'vso.build',
  'vso.release',
  'vso.work',
  'vso.hooks_write',
  'vso.project',
] as const
export type Scope = (typeof ALL_SCOPES)[number]

export type FakeProject = { id: string; name: string }
export type FakeRepository = { id: string; name: string; projectId: string; defaultBranch: string }
export type FakePullRequest = {
  pullRequestId: number
  repositoryId: string
  status: 'active' | 'completed' | 'abandoned'
  title: string
  createdBy: { id: string; displayName: string; uniqueName: string }
  creationDate: string
  closedDate?: string
  sourceRefName: string
  targetRefName: string
  isDraft?: boolean
  mergeStatus?: string
  lastMergeSourceCommit?: { commitId: string }
  lastMergeCommit?: { commitId: string }
  reviewers: Array<{ id: string; displayName: string; uniqueName: string; vote: number }>
  /** the description; the list cuts it at 400 characters, the pull request (by id) does not */
  description?: string
  /**
   * Pull Request Commits - Get Pull Request Commits, newest first: ids of
   * the repository's commits (addCommit with `offDefaultBranch`); never
   * served as a field of the pull request
   */
  commitIds?: string[]
}
export type FakeBuild = {
  id: number
  buildNumber: string
  status: 'completed' | 'inProgress' | 'notStarted'
  result?: 'succeeded' | 'failed' | 'canceled' | 'partiallySucceeded'
  queueTime: string
  startTime?: string
  finishTime?: string
  sourceBranch: string
  sourceVersion: string
  repository: { id: string; type: 'TfsGit' }
  definition: { id: number; name: string }
}
export type FakeDeployment = {
  id: number
  deploymentStatus: 'succeeded' | 'failed' | 'inProgress' | 'notDeployed' | 'partiallySucceeded'
  queuedOn: string
  startedOn?: string
  completedOn?: string
  releaseEnvironment: { id: number; name: string }
  release: {
    id: number
    name: string
    artifacts: Array<{
      type: string
      definitionReference: Record<string, { id: string; name: string }>
    }>
  }
}
export type FakeSubscription = {
  id: string
  publisherId: string
  eventType: string
  consumerId: string
  consumerActionId: string
  publisherInputs: Record<string, string>
  consumerInputs: Record<string, string>
}
export type FakePullRequestStatus = {
  id: number
  state: string
  description: string
  context: { genre?: string; name: string }
  targetUrl?: string
  iterationId?: number
}
export type FakeWorkItem = {
  id: number
  rev: number
  projectId: string
  fields: Record<string, unknown>
}
/** a pull request comment thread as the threads API answers it (GitPullRequestCommentThread) */
export type FakeThread = {
  id: number
  publishedDate: string
  lastUpdatedDate: string
  isDeleted: boolean
  status?: string
  properties?: Record<string, { $type: string; $value: string }>
  identities?: Record<string, { id: string; displayName: string; uniqueName: string }>
  comments: Array<{
    id: number
    parentCommentId: number
    author: { id: string; displayName: string; uniqueName: string }
    content: string
    commentType: 'text' | 'system' | 'codeChange'
    publishedDate: string
    lastUpdatedDate: string
    isDeleted?: boolean
  }>
}
/** one revision's changes (WorkItemUpdate): each changed field's old and new value */
export type FakeWorkItemUpdate = {
  id: number
  workItemId: number
  rev: number
  revisedBy: { id: string; displayName: string; uniqueName: string }
  revisedDate: string
  fields: Record<string, { oldValue?: unknown; newValue?: unknown }>
}
export type FakeCommit = {
  commitId: string
  comment: string
  author: { name: string; email: string; date: string }
  committer: { name: string; email: string; date: string }
  /** served by Commits - Get only: the list (GitCommitRef) leaves them out */
  parents: string[]
  /**
   * its changed files (Commits - Get Changes) and their line diff blocks
   * against the first parent (Diffs - Get File Diffs); when absent, an
   * edit of /README.md that adds its line 2
   */
  files?: FakeCommitFile[]
  /** on a pull request's branch only: the default branch's commit list leaves it out */
  offDefaultBranch?: boolean
}
/** LineDiffBlock as the File Diffs API answers it, its change type by name */
export type FakeLineDiffBlock = {
  changeType: 'none' | 'add' | 'delete' | 'edit'
  originalLineNumberStart: number
  originalLinesCount: number
  modifiedLineNumberStart: number
  modifiedLinesCount: number
}
export type FakeCommitFile = {
  path: string
  changeType: 'add' | 'edit' | 'delete'
  blocks: FakeLineDiffBlock[]
}
const README_EDIT: FakeCommitFile[] = [
  {
    path: '/README.md',
    changeType: 'edit',
    blocks: [
      {
        changeType: 'add',
        originalLineNumberStart: 2,
        originalLinesCount: 0,
        modifiedLineNumberStart: 2,
        modifiedLinesCount: 1,
      },
    ],
  },
]
export type RecordedRequest = {
  method: string
  path: string
  query: URLSearchParams
  authorization: string | undefined
}

export type FakeIdentity = { id: string; displayName: string; uniqueName: string }
export type FakeAzureState = {
  organization: string
  pat: string
  scopes: Set<Scope>
  user: { id: string; displayName: string; email: string }
  projects: FakeProject[]
  /** each project's teams and their members (routes_teams.ts) */
  teams: FakeTeam[]
  repositories: FakeRepository[]
  pullRequests: FakePullRequest[]
  builds: Map<string, FakeBuild[]>
  deployments: Map<string, FakeDeployment[]>
  subscriptions: Map<string, FakeSubscription>
  statuses: Map<string, FakePullRequestStatus[]>
  workItems: FakeWorkItem[]
  /** each work item's revisions' changes, oldest first */
  workItemUpdates: Map<number, FakeWorkItemUpdate[]>
  /** each pull request's comment threads (by pull request id) */
  threads: Map<number, FakeThread[]>
  /** each repository's default-branch commits, newest last */
  commits: Map<string, FakeCommit[]>
  /** each repository's default-branch head and the zip the items API serves for it */
  snapshots: Map<string, { sha: string; zip: Buffer }>
  /** Entra ID: the app registration, codes waiting for exchange, tokens issued */
  entra: {
    clientId: string
    clientSecret: string
    codes: Map<string, { challenge: string; redirectUri: string }>
    accessTokens: Set<string>
    refreshTokens: Set<string>
  }
  /** the organisations the signed-in user belongs to (profile service) */
  memberOf: string[]
  /** the next N API requests answer 429 with this Retry-After */
  throttle: { remaining: number; retryAfterSeconds: number }
  /**
   * the most commits a page of a pull request's commits holds, whatever
   * `$top` asks (Azure DevOps does not document its cap; a test lowers it
   * to make a pull request span pages)
   */
  pullRequestCommitPageSize: number
}

export type FakeAzure = {
  /** the organisation URL: http://127.0.0.1:<port>/<organization> */
  url: string
  origin: string
  state: FakeAzureState
  requests: RecordedRequest[]
  reset(): void
  /** API requests (discovery and OPTIONS left out) whose path matches */
  count(pattern: RegExp, method?: string): number
  addProject(name: string): FakeProject
  addRepository(project: FakeProject, name: string): FakeRepository
  /** a team of the project with these members (people, or a group with isContainer) */
  addTeam(project: FakeProject, name: string, members?: FakeTeamMember[]): FakeTeam
  addPullRequest(repository: FakeRepository, changes?: Partial<FakePullRequest>): FakePullRequest
  /** a project with `repositories` repositories of `pulls` pull requests each, all but the newest two completed */
  seed(repositories: number, pulls: number): FakeRepository[]
  addBuild(repository: FakeRepository, changes?: Partial<FakeBuild>): FakeBuild
  /** a commit on the default branch; its parent is the one added before it unless `parents` says */
  addCommit(
    repository: FakeRepository,
    comment: string,
    options?: {
      parents?: string[]
      date?: string
      files?: FakeCommitFile[]
      offDefaultBranch?: boolean
    }
  ): FakeCommit
  addWorkItem(project: FakeProject, type: string, fields?: Record<string, unknown>): FakeWorkItem
  /** a new revision of the item: its fields change at `at` (System.ChangedDate), recorded as an update */
  updateWorkItem(item: FakeWorkItem, fields: Record<string, unknown>, at: string): FakeWorkItem
  /** a comment by `author` on the pull request, at `at` */
  addComment(pull: FakePullRequest, author: FakeIdentity, at: string, content?: string): FakeThread
  /** a vote by `voter` (10 approved, 5 with suggestions, -5 waiting, -10 rejected), as Azure DevOps records it: a system thread */
  addVote(pull: FakePullRequest, voter: FakeIdentity, vote: number, at: string): FakeThread
  /**
   * A classic release deployment of the repository's Git artifact, at the
   * repository's newest commit (`definitionReference.version`) or `commitId`
   */
  addDeployment(
    repository: FakeRepository,
    changes?: Partial<FakeDeployment> & { commitId?: string }
  ): FakeDeployment
  /** serve the repository's refs, commits, trees and blobs from this git repository */
  setGitDirectory(repository: FakeRepository, directory: string): void
  close(): Promise<void>
}

const identityOf = (user: { id: string; displayName: string; email: string }): FakeIdentity => ({
  id: user.id,
  displayName: user.displayName,
  uniqueName: user.email,
})

const json = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
) => {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
  response.end(body === undefined ? '' : JSON.stringify(body))
}

/** the pull request `pullRequestId` (as the path has it) of the repository `repositoryId` */
function findPullRequest(state: FakeAzureState, repositoryId: string, pullRequestId: string) {
  return state.pullRequests.find(
    (entry) => entry.repositoryId === repositoryId && entry.pullRequestId === Number(pullRequestId)
  )
}

/** Azure DevOps' answer about a pull request that does not exist */
const PULL_REQUEST_NOT_FOUND = { message: 'TF401180: The requested pull request was not found.' }

async function readBody(request: IncomingMessage) {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  return text ? JSON.parse(text) : undefined
}

function freshState(organization: string, pat: string): FakeAzureState {
  return {
    organization,
    pat,
    scopes: new Set(ALL_SCOPES),
    user: {
      id: 'b1a2c3d4-0000-4000-8000-00000000ada1',
      displayName: 'Ada Lovelace',
      email: 'ada@example.com',
    },
    projects: [],
    teams: [],
    repositories: [],
    pullRequests: [],
    builds: new Map(),
    deployments: new Map(),
    subscriptions: new Map(),
    statuses: new Map(),
    workItems: [],
    workItemUpdates: new Map(),
    threads: new Map(),
    commits: new Map(),
    snapshots: new Map(),
    entra: {
      clientId: 'entra-client-id',
      clientSecret: 'entra-client-secret-not-secret',
      codes: new Map(),
      accessTokens: new Set(),
      refreshTokens: new Set(),
    },
    memberOf: [organization],
    throttle: { remaining: 0, retryAfterSeconds: 1 },
    pullRequestCommitPageSize: 100,
  }
}

/** which scope a request needs, as the service checks a PAT's scopes */
function scopeFor(method: string, path: string): Scope | null {
  if (/\/_apis\/git\/.*\/statuses$/i.test(path))
    return method === 'GET' ? 'vso.code' : 'vso.code_status'
  if (/\/_apis\/git\//i.test(path)) return 'vso.code'
  if (/\/_apis\/build\//i.test(path)) return 'vso.build'
  if (/\/_apis\/release\//i.test(path)) return 'vso.release'
  if (/\/_apis\/wit\//i.test(path)) return 'vso.work'
  if (/\/_apis\/hooks\//i.test(path)) return 'vso.hooks_write'
  if (/^\/_apis\/projects(\/|$)/i.test(path)) return 'vso.project'
  return null
}

export async function startFakeAzure(
  options: { organization?: string; pat?: string } = {}
): Promise<FakeAzure> {
  const organization = options.organization ?? 'acme'
  const pat = options.pat ?? 'azure-pat-not-secret'
  let state = freshState(organization, pat)
  const requests: RecordedRequest[] = []
  const gitDirectories: GitDirectories = new Map()
  let nextId = 1
  let origin = ''

  function authenticated(request: IncomingMessage) {
    const header = request.headers.authorization ?? ''
    const bearer = /^Bearer (.+)$/i.exec(header)
    if (bearer) return state.entra.accessTokens.has(bearer[1])
    const match = /^Basic (.+)$/i.exec(header)
    if (!match) return false
    const decoded = Buffer.from(match[1], 'base64').toString('utf8')
    return decoded.slice(decoded.indexOf(':') + 1) === state.pat
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', origin)
    const method = request.method ?? 'GET'
    if (url.pathname.startsWith('/entra/')) return entraEndpoint(method, url, request, response)
    if (url.pathname.startsWith('/vssps/')) return profileEndpoint(method, url, request, response)
    // The organisation's APIs, and Release's on its own host (vsrm.dev.azure.com/<org>).
    const prefix = new RegExp(`^(/vsrm)?/${state.organization}(/.*)?$`, 'i').exec(url.pathname)
    if (!prefix) return json(response, 404, { message: 'TF400898: An internal error occurred' })
    const path = prefix[2] ?? '/'
    requests.push({
      method,
      path,
      query: url.searchParams,
      authorization: request.headers.authorization,
    })

    if (!authenticated(request)) {
      response.writeHead(401, {
        'www-authenticate': 'Basic realm="https://dev.azure.com/"',
        'x-tfs-processid': randomUUID(),
      })
      return response.end()
    }
    if (
      state.throttle.remaining > 0 &&
      !/^\/_apis\/(resourceareas|location|connectiondata)/i.test(path) &&
      method !== 'OPTIONS'
    ) {
      state.throttle.remaining--
      return json(
        response,
        429,
        { message: 'Request was blocked due to exceeding usage of resource' },
        {
          'retry-after': String(state.throttle.retryAfterSeconds),
          'x-ratelimit-resource': 'ATCPU',
        }
      )
    }

    if (method === 'OPTIONS') {
      const area = /^\/_apis\/([^/]+)\/?$/i.exec(path)?.[1]?.toLowerCase()
      const value = area ? RESOURCE_LOCATIONS[area] : undefined
      if (!value) return json(response, 404, { message: `No area ${area}` })
      return json(response, 200, { count: value.length, value })
    }
    if (method === 'GET' && /^\/_apis\/resourceareas\/?$/i.test(path)) {
      const value = Object.entries(AREAS).map(([name, id]) => ({
        id,
        name,
        locationUrl:
          name === 'release'
            ? `${origin}/vsrm/${state.organization}/`
            : `${origin}/${state.organization}/`,
      }))
      return json(response, 200, { count: value.length, value })
    }
    if (method === 'GET' && /^\/_apis\/connectiondata\/?$/i.test(path)) {
      const identity = {
        id: state.user.id,
        descriptor: `Microsoft.IdentityModel.Claims.ClaimsIdentity;${state.user.email}`,
        subjectDescriptor: 'aad.ZmFrZQ',
        providerDisplayName: state.user.displayName,
        isActive: true,
        properties: { Account: { $type: 'System.String', $value: state.user.email } },
      }
      return json(response, 200, {
        authenticatedUser: identity,
        authorizedUser: identity,
        instanceId: 'a5d1f3c2-0000-4000-8000-00000000000a',
        deploymentId: 'a5d1f3c2-0000-4000-8000-00000000000b',
        deploymentType: 'hosted',
        locationServiceData: {
          serviceOwner: '00025394-6065-48ca-87d9-7f5672854ef7',
          defaultAccessMappingMoniker: 'PublicAccessMapping',
        },
      })
    }

    const scope = scopeFor(method, path)
    if (scope && !state.scopes.has(scope)) {
      return json(response, 401, {
        $id: '1',
        message: `TF400813: The user '${state.user.id}' is not authorized to access this resource.`,
        typeName: 'Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException',
      })
    }
    return route(method, path, url, request, response)
  }

  function issueTokens() {
    const accessToken = `entra-access-${randomUUID()}`
    const refreshToken = `entra-refresh-${randomUUID()}`
    state.entra.accessTokens.add(accessToken)
    state.entra.refreshTokens.add(refreshToken)
    return {
      token_type: 'Bearer',
      scope: '499b84ac-1321-427f-aa17-267ca6975798/user_impersonation',
      expires_in: 3599,
      access_token: accessToken,
      refresh_token: refreshToken,
    }
  }

  /** Microsoft Entra ID's v2.0 endpoints: authorization code with PKCE, rotating refresh tokens */
  async function entraEndpoint(
    method: string,
    url: URL,
    request: IncomingMessage,
    response: ServerResponse
  ) {
    requests.push({ method, path: url.pathname, query: url.searchParams, authorization: undefined })
    const entra = state.entra
    if (method === 'GET' && url.pathname.endsWith('/oauth2/v2.0/authorize')) {
      const query = url.searchParams
      if (
        query.get('client_id') !== entra.clientId ||
        query.get('code_challenge_method') !== 'S256' ||
        !query.get('code_challenge')
      ) {
        return json(response, 400, { error: 'invalid_request' })
      }
      if (!query.get('scope')?.includes('499b84ac-1321-427f-aa17-267ca6975798/.default')) {
        return json(response, 400, { error: 'invalid_scope' })
      }
      const code = randomUUID()
      entra.codes.set(code, {
        challenge: query.get('code_challenge')!,
        redirectUri: query.get('redirect_uri')!,
      })
      const back = new URL(query.get('redirect_uri')!)
      back.searchParams.set('code', code)
      back.searchParams.set('state', query.get('state') ?? '')
      response.writeHead(302, { location: back.toString() })
      return response.end()
    }
    if (method === 'POST' && url.pathname.endsWith('/oauth2/v2.0/token')) {
      const chunks: Buffer[] = []
      for await (const chunk of request) chunks.push(chunk as Buffer)
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
      if (
        form.get('client_id') !== entra.clientId ||
        form.get('client_secret') !== entra.clientSecret
      ) {
        return json(response, 401, { error: 'invalid_client' })
      }
      if (form.get('grant_type') === 'authorization_code') {
        const pending = entra.codes.get(form.get('code') ?? '')
        entra.codes.delete(form.get('code') ?? '')
        const challenge = createHash('sha256')
          .update(form.get('code_verifier') ?? '')
          .digest('base64url')
        if (
          !pending ||
          pending.challenge !== challenge ||
          pending.redirectUri !== form.get('redirect_uri')
        ) {
          return json(response, 400, { error: 'invalid_grant' })
        }
        return json(response, 200, issueTokens())
      }
      if (form.get('grant_type') === 'refresh_token') {
        if (!entra.refreshTokens.delete(form.get('refresh_token') ?? ''))
          return json(response, 400, { error: 'invalid_grant' })
        return json(response, 200, issueTokens())
      }
      return json(response, 400, { error: 'unsupported_grant_type' })
    }
    return json(response, 404, { error: 'not_found' })
  }

  /** app.vssps.visualstudio.com: the signed-in user's profile and organisations */
  function profileEndpoint(
    method: string,
    url: URL,
    request: IncomingMessage,
    response: ServerResponse
  ) {
    requests.push({
      method,
      path: url.pathname,
      query: url.searchParams,
      authorization: request.headers.authorization,
    })
    if (!authenticated(request)) {
      response.writeHead(401)
      return response.end()
    }
    if (method === 'GET' && url.pathname === '/vssps/_apis/profile/profiles/me') {
      return json(response, 200, {
        id: state.user.id,
        displayName: state.user.displayName,
        emailAddress: state.user.email,
        publicAlias: state.user.id,
      })
    }
    if (method === 'GET' && url.pathname === '/vssps/_apis/accounts') {
      if (url.searchParams.get('memberId') !== state.user.id)
        return json(response, 400, { message: 'VS800066: memberId' })
      const value = state.memberOf.map((name, index) => ({
        accountId: `00000000-0000-4000-8000-00000000000${index}`,
        accountUri: `${origin}/${name}/`,
        accountName: name,
        properties: {},
      }))
      return json(response, 200, { count: value.length, value })
    }
    return json(response, 404, { message: 'not found' })
  }

  const repositoryJson = (repository: FakeRepository) => {
    const project = state.projects.find((entry) => entry.id === repository.projectId)!
    const base = `${origin}/${state.organization}`
    return {
      id: repository.id,
      name: repository.name,
      url: `${base}/${project.id}/_apis/git/repositories/${repository.id}`,
      project: { id: project.id, name: project.name, state: 'wellFormed', visibility: 'private' },
      defaultBranch: repository.defaultBranch,
      size: 1024,
      remoteUrl: `https://${state.organization}@dev.azure.com/${state.organization}/${encodeURIComponent(project.name)}/_git/${encodeURIComponent(repository.name)}`,
      webUrl: `https://dev.azure.com/${state.organization}/${encodeURIComponent(project.name)}/_git/${encodeURIComponent(repository.name)}`,
      isDisabled: false,
    }
  }

  async function route(
    method: string,
    path: string,
    url: URL,
    request: IncomingMessage,
    response: ServerResponse
  ) {
    const paged = { method, url, headers: request.headers }
    let match: RegExpExecArray | null
    if (gitObjectRoute(gitDirectories, method, path, url, response)) return
    if (teamRoute(state, `${origin}/${state.organization}`, method, path, url, response)) return

    // GET [{project}/]_apis/git/repositories
    if (method === 'GET' && (match = /^(?:\/([^/]+))?\/_apis\/git\/repositories\/?$/i.exec(path))) {
      const project = match[1]
        ? state.projects.find((entry) =>
            [entry.id, entry.name].includes(decodeURIComponent(match![1]))
          )
        : null
      const value = state.repositories
        .filter((repository) => !project || repository.projectId === project.id)
        .map(repositoryJson)
      return json(response, 200, { count: value.length, value })
    }
    // GET {project}/_apis/git/repositories/{id}/pullrequests ($top/$skip)
    if (
      method === 'GET' &&
      (match = /^\/([^/]+)\/_apis\/git\/repositories\/([^/]+)\/pullrequests\/?$/i.exec(path))
    ) {
      const repository = state.repositories.find((entry) => entry.id === match![2])
      if (!repository)
        return json(response, 404, { message: 'TF401019: The Git repository does not exist' })
      const status = url.searchParams.get('searchCriteria.status') ?? 'active'
      const top = Math.min(Number(url.searchParams.get('$top') ?? 101), 1000)
      const skip = Number(url.searchParams.get('$skip') ?? 0)
      const all = state.pullRequests
        .filter(
          (entry) =>
            entry.repositoryId === repository.id && (status === 'all' || entry.status === status)
        )
        .sort((a, b) => b.pullRequestId - a.pullRequestId)
      const value = all.slice(skip, skip + top).map(({ commitIds, ...entry }) => ({
        ...entry,
        // as the service documents it: the list cuts the description at 400 characters
        ...(entry.description === undefined
          ? {}
          : { description: entry.description.slice(0, 400) }),
        repository: repositoryJson(repository),
        url: `${origin}/${state.organization}/${repository.projectId}/_apis/git/repositories/${repository.id}/pullRequests/${entry.pullRequestId}`,
      }))
      return json(response, 200, { count: value.length, value })
    }
    // GET {project}/_apis/git/repositories/{id}/pullRequests/{prId}/threads
    if (
      method === 'GET' &&
      (match =
        /^\/[^/]+\/_apis\/git\/repositories\/([^/]+)\/pullrequests\/(\d+)\/threads\/?$/i.exec(path))
    ) {
      const pull = findPullRequest(state, match![1], match![2])
      if (!pull) return json(response, 404, PULL_REQUEST_NOT_FOUND)
      const value = state.threads.get(pull.pullRequestId) ?? []
      return json(response, 200, { count: value.length, value })
    }
    // GET [{project}/]_apis/wit/workItems/{id}/updates ($top/$skip)
    if (
      method === 'GET' &&
      (match = /^(?:\/[^/]+)?\/_apis\/wit\/workitems\/(\d+)\/updates\/?$/i.exec(path))
    ) {
      const item = state.workItems.find((entry) => entry.id === Number(match![1]))
      if (!item)
        return json(response, 404, {
          message: `TF401232: Work item ${match[1]} does not exist, or you do not have permissions to read it.`,
        })
      const top = Number(url.searchParams.get('$top') ?? 200)
      const skip = Number(url.searchParams.get('$skip') ?? 0)
      const value = (state.workItemUpdates.get(item.id) ?? []).slice(skip, skip + top)
      return json(response, 200, { count: value.length, value })
    }
    // GET {project}/_apis/git/repositories/{id}/pullrequests/{prId}
    if (
      method === 'GET' &&
      (match = /^\/[^/]+\/_apis\/git\/repositories\/([^/]+)\/pullrequests\/(\d+)\/?$/i.exec(path))
    ) {
      const repository = state.repositories.find((entry) => entry.id === match![1])
      const pull = findPullRequest(state, match![1], match![2])
      if (!repository || !pull) return json(response, 404, PULL_REQUEST_NOT_FOUND)
      const { commitIds, ...whole } = pull
      return json(response, 200, { ...whole, repository: repositoryJson(repository) })
    }
    // GET {project}/_apis/git/repositories/{id}/pullRequests/{prId}/commits: GitCommitRef, newest
    // first, `$top` per page, the next page's token in `x-ms-continuationtoken`, sent back as
    // `continuationToken` (Pull Request Commits - Get Pull Request Commits)
    if (
      method === 'GET' &&
      (match =
        /^\/[^/]+\/_apis\/git\/repositories\/([^/]+)\/pullrequests\/(\d+)\/commits\/?$/i.exec(path))
    ) {
      const pull = findPullRequest(state, match![1], match![2])
      if (!pull) return json(response, 404, PULL_REQUEST_NOT_FOUND)
      const commits = state.commits.get(pull.repositoryId) ?? []
      const rows = (pull.commitIds ?? [])
        .map((id) => commits.find((commit) => commit.commitId === id)!)
        .map(({ parents, files, offDefaultBranch, ...commit }) => ({
          ...commit,
          comment: commit.comment.slice(0, 200),
          ...(commit.comment.length > 200 ? { commentTruncated: true } : {}),
        }))
      const answer = pagedAnswer('azure', paged, rows, {
        maxPageSize: state.pullRequestCommitPageSize,
      })
      return json(response, answer.status, answer.body, answer.headers)
    }
    // POST/GET {project}/_apis/git/repositories/{id}/pullRequests/{prId}/statuses
    if (
      (match =
        /^\/([^/]+)\/_apis\/git\/repositories\/([^/]+)\/pullRequests\/(\d+)\/statuses\/?$/i.exec(
          path
        ))
    ) {
      const key = `${match[2]}/${match[3]}`
      const pull = findPullRequest(state, match![2], match![3])
      if (!pull) return json(response, 404, PULL_REQUEST_NOT_FOUND)
      const list = state.statuses.get(key) ?? []
      if (method === 'GET') return json(response, 200, { count: list.length, value: list })
      if (method === 'POST') {
        const body = (await readBody(request)) as Partial<FakePullRequestStatus>
        if (!body?.context?.name || !body.state)
          return json(response, 400, { message: 'VS403404: status context and state are required' })
        const status = {
          id: list.length + 1,
          state: body.state,
          description: body.description ?? '',
          context: body.context,
          targetUrl: body.targetUrl,
          iterationId: body.iterationId,
        }
        state.statuses.set(key, [...list, status])
        return json(response, 200, {
          ...status,
          creationDate: new Date().toISOString(),
          createdBy: { id: state.user.id },
        })
      }
    }
    // GET {project}/_apis/git/repositories/{id}/commits: newest first, comments cut at 200 characters
    if (
      method === 'GET' &&
      (match = /^\/[^/]+\/_apis\/git\/repositories\/([^/]+)\/commits\/?$/i.exec(path))
    ) {
      const from = url.searchParams.get('searchCriteria.fromDate')
      const top = Number(url.searchParams.get('searchCriteria.$top') ?? 100)
      const skip = Number(url.searchParams.get('searchCriteria.$skip') ?? 0)
      const all = [...(state.commits.get(match[1]) ?? [])]
        .filter((commit) => !commit.offDefaultBranch)
        .filter((commit) => !from || commit.committer.date >= from)
        .reverse()
      // as the service lists them: no parents, long comments cut
      const value = all.slice(skip, skip + top).map(({ parents, offDefaultBranch, ...commit }) => ({
        ...commit,
        comment: commit.comment.slice(0, 200),
        ...(commit.comment.length > 200 ? { commentTruncated: true } : {}),
      }))
      return json(response, 200, { count: value.length, value })
    }
    // GET {project}/_apis/git/repositories/{id}/commits/{commitId}/changes: GitCommitChanges
    if (
      method === 'GET' &&
      (match =
        /^\/[^/]+\/_apis\/git\/repositories\/([^/]+)\/commits\/([0-9a-f]{40})\/changes\/?$/i.exec(
          path
        ))
    ) {
      const commit = (state.commits.get(match[1]) ?? []).find(
        (entry) => entry.commitId === match![2]
      )
      if (!commit) return json(response, 404, { message: 'TF401175: commit not found' })
      const files = commit.files ?? README_EDIT
      const count = (type: string) => files.filter((file) => file.changeType === type).length
      return json(response, 200, {
        changeCounts: { Add: count('add'), Edit: count('edit'), Delete: count('delete') },
        changes: files.map((file) => ({
          item: {
            objectId: createHash('sha1').update(`${commit.commitId}:${file.path}`).digest('hex'),
            gitObjectType: 'blob',
            commitId: commit.commitId,
            path: file.path,
          },
          changeType: file.changeType,
        })),
      })
    }
    // POST {project}/_apis/git/repositories/{id}/filediffs: FileDiff per asked path
    if (
      method === 'POST' &&
      (match = /^\/[^/]+\/_apis\/git\/repositories\/([^/]+)\/filediffs\/?$/i.exec(path))
    ) {
      const body = (await readBody(request)) as {
        baseVersionCommit?: string
        targetVersionCommit?: string
        fileDiffParams?: Array<{ path?: string; originalPath?: string }>
      }
      const commit = (state.commits.get(match[1]) ?? []).find(
        (entry) => entry.commitId === body?.targetVersionCommit
      )
      if (!commit || !commit.parents.includes(body.baseVersionCommit ?? '')) {
        return json(response, 400, {
          message: 'TF401175: The version descriptor could not be resolved to a version',
        })
      }
      const files = commit.files ?? README_EDIT
      const value = (body.fileDiffParams ?? []).flatMap((params) => {
        const file = files.find((candidate) => candidate.path === params.path)
        return file
          ? [{ path: file.path, originalPath: params.originalPath, lineDiffBlocks: file.blocks }]
          : []
      })
      return json(response, 200, { count: value.length, value })
    }
    // GET {project}/_apis/git/repositories/{id}/commits/{commitId}: the whole comment
    if (
      method === 'GET' &&
      (match = /^\/[^/]+\/_apis\/git\/repositories\/([^/]+)\/commits\/([0-9a-f]{40})\/?$/i.exec(
        path
      ))
    ) {
      const commit = (state.commits.get(match[1]) ?? []).find(
        (entry) => entry.commitId === match![2]
      )
      if (!commit) return json(response, 404, { message: 'TF401175: commit not found' })
      const { offDefaultBranch, ...served } = commit
      return json(response, 200, served)
    }
    // GET {project}/_apis/git/repositories/{id}/stats/branches?name=main
    if (
      method === 'GET' &&
      (match = /^\/[^/]+\/_apis\/git\/repositories\/([^/]+)\/stats\/branches\/?$/i.exec(path))
    ) {
      const snapshot = state.snapshots.get(match[1])
      const repository = state.repositories.find((entry) => entry.id === match![1])
      if (
        !snapshot ||
        !repository ||
        `refs/heads/${url.searchParams.get('name')}` !== repository.defaultBranch
      ) {
        return json(response, 404, {
          message: 'TF401175: The version descriptor could not be resolved',
        })
      }
      return json(response, 200, {
        commit: { commitId: snapshot.sha },
        name: url.searchParams.get('name'),
        aheadCount: 0,
        behindCount: 0,
        isBaseVersion: true,
      })
    }
    // GET {project}/_apis/git/repositories/{id}/items?path=/&$format=zip&versionDescriptor.version={sha}
    if (
      method === 'GET' &&
      (match = /^\/[^/]+\/_apis\/git\/repositories\/([^/]+)\/items\/?$/i.exec(path))
    ) {
      const snapshot = state.snapshots.get(match[1])
      const version = url.searchParams.get('versionDescriptor.version')
      if (
        !snapshot ||
        url.searchParams.get('$format') !== 'zip' ||
        url.searchParams.get('versionDescriptor.versionType') !== 'commit' ||
        version !== snapshot.sha
      ) {
        return json(response, 404, { message: 'TF401174: The item could not be found' })
      }
      response.writeHead(200, {
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename="${match[1]}.zip"`,
        'content-length': String(snapshot.zip.length),
      })
      return response.end(snapshot.zip)
    }
    // GET {project}/_apis/build/builds (x-ms-continuationtoken)
    if (method === 'GET' && (match = /^\/([^/]+)\/_apis\/build\/builds\/?$/i.exec(path))) {
      const project = state.projects.find((entry) =>
        [entry.id, entry.name].includes(decodeURIComponent(match![1]))
      )
      const minTime = url.searchParams.get('minTime')
      const rows = (project ? (state.builds.get(project.id) ?? []) : [])
        .filter(
          (build) =>
            url.searchParams.get('statusFilter') !== 'completed' || build.status === 'completed'
        )
        .filter((build) => !minTime || (build.finishTime ?? '') >= minTime)
        .sort((a, b) => (b.finishTime ?? '').localeCompare(a.finishTime ?? ''))
      const answer = pagedAnswer('azure', paged, rows)
      return json(response, answer.status, answer.body, answer.headers)
    }
    // GET {project}/_apis/release/deployments (x-ms-continuationtoken), on the vsrm host
    if (method === 'GET' && (match = /^\/([^/]+)\/_apis\/release\/deployments\/?$/i.exec(path))) {
      const project = state.projects.find((entry) =>
        [entry.id, entry.name].includes(decodeURIComponent(match![1]))
      )
      const minStarted = url.searchParams.get('minStartedTime')
      const rows = (project ? (state.deployments.get(project.id) ?? []) : [])
        .filter((deployment) => !minStarted || (deployment.startedOn ?? '') >= minStarted)
        .sort((a, b) => b.id - a.id)
      const answer = pagedAnswer('azure', paged, rows)
      return json(response, answer.status, answer.body, answer.headers)
    }
    // GET {project}/_apis/release/releases
    if (method === 'GET' && /^\/[^/]+\/_apis\/release\/releases\/?$/i.test(path)) {
      return json(response, 200, { count: 0, value: [] })
    }
    // POST {project}/[{team}/]_apis/wit/wiql: the ids of the work items changed since a moment
    if (method === 'POST' && (match = /^\/([^/]+)(?:\/[^/]+)?\/_apis\/wit\/wiql\/?$/i.exec(path))) {
      const body = (await readBody(request)) as { query?: string }
      if (!body?.query || !/^select/i.test(body.query))
        return json(response, 400, { message: 'VS402337: The WIQL query is not valid' })
      const project = state.projects.find((entry) =>
        [entry.id, entry.name].includes(decodeURIComponent(match![1]))
      )
      const since = /\[System\.ChangedDate\]\s*>=?\s*'([^']+)'/i.exec(body.query)?.[1]
      if (since && url.searchParams.get('timePrecision') !== 'true' && /T\d/.test(since)) {
        return json(response, 400, {
          message: 'VS402625: Dates and times must be in ISO format with timePrecision=true',
        })
      }
      const top = Number(url.searchParams.get('$top') ?? 20000)
      const items = state.workItems
        .filter((item) => !project || item.projectId === project.id)
        .filter((item) => !since || String(item.fields['System.ChangedDate']) >= since)
        .sort((a, b) =>
          String(a.fields['System.ChangedDate']).localeCompare(
            String(b.fields['System.ChangedDate'])
          )
        )
        .slice(0, top)
      return json(response, 200, {
        queryType: 'flat',
        queryResultType: 'workItem',
        asOf: new Date().toISOString(),
        columns: [{ referenceName: 'System.Id', name: 'ID' }],
        workItems: items.map((item) => ({
          id: item.id,
          url: `${origin}/${state.organization}/_apis/wit/workItems/${item.id}`,
        })),
      })
    }
    // POST [{project}/]_apis/wit/workitemsbatch: at most 200 ids
    if (method === 'POST' && /^(?:\/[^/]+)?\/_apis\/wit\/workitemsbatch\/?$/i.test(path)) {
      const body = (await readBody(request)) as { ids?: number[]; fields?: string[] }
      if (!Array.isArray(body?.ids) || body.ids.length > 200)
        return json(response, 400, { message: 'VS403474: ids: between 1 and 200' })
      const value = body.ids
        .map((id) => state.workItems.find((item) => item.id === id))
        .filter((item): item is FakeWorkItem => Boolean(item))
        .map((item) => ({
          id: item.id,
          rev: item.rev,
          fields: body.fields
            ? Object.fromEntries(
                body.fields
                  .filter((name) => name in item.fields)
                  .map((name) => [name, item.fields[name]])
              )
            : item.fields,
          url: `${origin}/${state.organization}/_apis/wit/workItems/${item.id}`,
        }))
      return json(response, 200, { count: value.length, value })
    }
    // _apis/hooks/subscriptions
    if (/^\/_apis\/hooks\/subscriptions\/?$/i.test(path)) {
      if (method === 'GET') {
        const value = [...state.subscriptions.values()]
        return json(response, 200, { count: value.length, value })
      }
      if (method === 'POST') {
        const body = (await readBody(request)) as Omit<FakeSubscription, 'id'>
        if (!body?.eventType || !body.consumerInputs?.url || body.consumerId !== 'webHooks') {
          return json(response, 400, {
            message: 'VS1010: the subscription is missing its event type or consumer url',
          })
        }
        const subscription = { ...body, id: randomUUID() }
        state.subscriptions.set(subscription.id, subscription)
        const consumerInputs = { ...subscription.consumerInputs }
        delete consumerInputs.basicAuthPassword
        return json(response, 200, {
          ...subscription,
          consumerInputs: { ...consumerInputs, basicAuthPassword: '********' },
          status: 'enabled',
        })
      }
    }
    if (
      method === 'DELETE' &&
      (match = /^\/_apis\/hooks\/subscriptions\/([^/]+)\/?$/i.exec(path))
    ) {
      if (!state.subscriptions.delete(match[1]))
        return json(response, 404, { message: 'VS1050003: subscription not found' })
      response.writeHead(204)
      return response.end()
    }
    return json(response, 404, { message: `The fake has no ${method} ${path}` })
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error) => json(response, 500, { message: String(error) }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  function pushThread(
    pull: FakePullRequest,
    thread: Pick<FakeThread, 'publishedDate' | 'comments' | 'properties' | 'identities'>
  ): FakeThread {
    const threads = state.threads.get(pull.pullRequestId) ?? []
    const made: FakeThread = {
      id: threads.length + 1,
      lastUpdatedDate: thread.publishedDate,
      isDeleted: false,
      status: 'active',
      ...thread,
    }
    threads.push(made)
    state.threads.set(pull.pullRequestId, threads)
    return made
  }

  const fake: FakeAzure = {
    url: `${origin}/${organization}`,
    origin,
    get state() {
      return state
    },
    requests,
    reset() {
      state = freshState(organization, pat)
      gitDirectories.clear()
      requests.length = 0
      nextId = 1
    },
    count(pattern, method) {
      return requests.filter(
        (entry) => pattern.test(entry.path) && (!method || entry.method === method)
      ).length
    },
    addProject(name) {
      const project = { id: randomUUID(), name }
      state.projects.push(project)
      return project
    },
    addTeam(project, name, members = []) {
      const team = {
        id: randomUUID(),
        name,
        projectId: project.id,
        description: `The ${name} team`,
        members,
      }
      state.teams.push(team)
      return team
    },
    addRepository(project, name) {
      const repository = {
        id: randomUUID(),
        name,
        projectId: project.id,
        defaultBranch: 'refs/heads/main',
      }
      state.repositories.push(repository)
      return repository
    },
    addPullRequest(repository, changes = {}) {
      const id = nextId++
      const pull: FakePullRequest = {
        pullRequestId: id,
        repositoryId: repository.id,
        status: 'active',
        title: `Change ${id}`,
        createdBy: {
          id: state.user.id,
          displayName: state.user.displayName,
          uniqueName: state.user.email,
        },
        creationDate: new Date(Date.UTC(2026, 10, 1, 9, 0, 0) + id * 60_000).toISOString(),
        sourceRefName: `refs/heads/feature/${id}`,
        targetRefName: repository.defaultBranch,
        lastMergeSourceCommit: { commitId: `${id}`.padStart(40, 'a') },
        reviewers: [],
        ...changes,
      }
      state.pullRequests.push(pull)
      return pull
    },
    seed(repositories, pulls) {
      const project = fake.addProject(`Project ${state.projects.length + 1}`)
      const made: FakeRepository[] = []
      for (let r = 0; r < repositories; r++) {
        const repository = fake.addRepository(project, `repo-${r}`)
        for (let p = 0; p < pulls; p++) {
          const open = p >= pulls - 2
          const pull = fake.addPullRequest(repository, open ? {} : { status: 'completed' })
          if (!open)
            pull.closedDate = new Date(Date.parse(pull.creationDate) + 3_600_000).toISOString()
        }
        made.push(repository)
      }
      return made
    },
    addWorkItem(project, type, fields = {}) {
      const id = nextId++
      const created = new Date(Date.UTC(2026, 10, 4, 8, 0, 0) + id * 60_000).toISOString()
      const item: FakeWorkItem = {
        id,
        rev: 1,
        projectId: project.id,
        fields: {
          'System.Id': id,
          'System.TeamProject': project.name,
          'System.WorkItemType': type,
          'System.Title': `${type} ${id}`,
          'System.State': 'New',
          'System.CreatedDate': created,
          'System.ChangedDate': created,
          'System.AssignedTo': null,
          'Microsoft.VSTS.Common.Priority': 2,
          ...fields,
        },
      }
      state.workItems.push(item)
      state.workItemUpdates.set(id, [
        {
          id: 1,
          workItemId: id,
          rev: 1,
          revisedBy: identityOf(state.user),
          revisedDate: '9999-01-01T00:00:00Z',
          fields: Object.fromEntries(
            Object.entries(item.fields).map(([name, value]) => [name, { newValue: value }])
          ),
        },
      ])
      return item
    },
    updateWorkItem(item, fields, at) {
      const updates = state.workItemUpdates.get(item.id) ?? []
      // the previous revision is now superseded at this moment
      if (updates.length > 0) updates[updates.length - 1].revisedDate = at
      const changes: FakeWorkItemUpdate['fields'] = {
        'System.ChangedDate': { oldValue: item.fields['System.ChangedDate'], newValue: at },
      }
      for (const [name, value] of Object.entries(fields)) {
        changes[name] = { oldValue: item.fields[name], newValue: value }
        item.fields[name] = value
      }
      item.rev += 1
      item.fields['System.ChangedDate'] = at
      updates.push({
        id: updates.length + 1,
        workItemId: item.id,
        rev: item.rev,
        revisedBy: identityOf(state.user),
        revisedDate: '9999-01-01T00:00:00Z',
        fields: changes,
      })
      state.workItemUpdates.set(item.id, updates)
      return item
    },
    addComment(pull, author, at, content = 'Looks good, one question') {
      return pushThread(pull, {
        publishedDate: at,
        comments: [
          {
            id: 1,
            parentCommentId: 0,
            author,
            content,
            commentType: 'text',
            publishedDate: at,
            lastUpdatedDate: at,
          },
        ],
      })
    },
    addVote(pull, voter, vote, at) {
      return pushThread(pull, {
        publishedDate: at,
        properties: {
          CodeReviewThreadType: { $type: 'System.String', $value: 'VoteUpdate' },
          CodeReviewVoteResult: { $type: 'System.String', $value: String(vote) },
          CodeReviewVotedByIdentity: { $type: 'System.String', $value: '1' },
        },
        identities: { '1': voter },
        comments: [
          {
            id: 1,
            parentCommentId: 0,
            author: voter,
            content: `${voter.displayName} voted ${vote}`,
            commentType: 'system',
            publishedDate: at,
            lastUpdatedDate: at,
          },
        ],
      })
    },
    addCommit(repository, comment, commitOptions = {}) {
      const id = nextId++
      const date =
        commitOptions.date ?? new Date(Date.now() - 86_400_000 + id * 60_000).toISOString()
      const earlier = state.commits.get(repository.id) ?? []
      const commit: FakeCommit = {
        commitId: createHash('sha1').update(`commit-${id}`).digest('hex'),
        comment,
        author: { name: state.user.displayName, email: state.user.email, date },
        committer: { name: state.user.displayName, email: state.user.email, date },
        parents: commitOptions.parents ?? earlier.slice(-1).map((parent) => parent.commitId),
        ...(commitOptions.files ? { files: commitOptions.files } : {}),
        ...(commitOptions.offDefaultBranch ? { offDefaultBranch: true } : {}),
      }
      state.commits.set(repository.id, [...earlier, commit])
      return commit
    },
    addBuild(repository, changes = {}) {
      const id = nextId++
      const finish = new Date(Date.UTC(2026, 10, 2, 12, 0, 0) + id * 60_000)
      const build: FakeBuild = {
        id,
        buildNumber: `20261102.${id}`,
        status: 'completed',
        result: 'succeeded',
        queueTime: new Date(finish.getTime() - 600_000).toISOString(),
        startTime: new Date(finish.getTime() - 300_000).toISOString(),
        finishTime: finish.toISOString(),
        sourceBranch: repository.defaultBranch,
        sourceVersion: `${id}`.padStart(40, 'b'),
        repository: { id: repository.id, type: 'TfsGit' },
        definition: { id: 7, name: `${repository.name} CI` },
        ...changes,
      }
      state.builds.set(repository.projectId, [
        ...(state.builds.get(repository.projectId) ?? []),
        build,
      ])
      return build
    },
    addDeployment(repository, { commitId, ...changes } = {}) {
      const id = nextId++
      const completed = new Date(Date.UTC(2026, 10, 3, 12, 0, 0) + id * 60_000)
      // a Git artifact's version is the commit the release deployed
      const deployed = commitId ?? state.commits.get(repository.id)?.at(-1)?.commitId
      const version: Record<string, { id: string; name: string }> = deployed
        ? { version: { id: deployed, name: deployed.slice(0, 8) } }
        : {}
      const deployment: FakeDeployment = {
        id,
        deploymentStatus: 'succeeded',
        queuedOn: new Date(completed.getTime() - 900_000).toISOString(),
        startedOn: new Date(completed.getTime() - 600_000).toISOString(),
        completedOn: completed.toISOString(),
        releaseEnvironment: { id: 3, name: 'Production' },
        release: {
          id,
          name: `Release-${id}`,
          artifacts: [
            {
              type: 'Git',
              definitionReference: {
                definition: { id: repository.id, name: repository.name },
                ...version,
              },
            },
          ],
        },
        ...changes,
      }
      state.deployments.set(repository.projectId, [
        ...(state.deployments.get(repository.projectId) ?? []),
        deployment,
      ])
      return deployment
    },
    setGitDirectory(repository, directory) {
      gitDirectories.set(repository.id, directory)
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
  return fake
}
