import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApi } from './api.js'
import { readBody } from './http.js'
import { appKey } from './jwt.js'
import { mintInstallationToken } from './routes_app.js'
import { seedOrganization, type SeedOptions } from './organization.js'
import * as seed from './seed.js'
import {
  createState,
  headOf,
  requireRepository,
  type FakeCheckRun,
  type FakeFaults,
  type FakeCommitFile,
  type FakeGitHubState,
  type FakeInstallation,
  type FakePullRequest,
  type FakeRepository,
  type FakeTeam,
  type RecordedRequest,
} from './state.js'
import { addTeam } from './routes_teams.js'
import { codeloadGrant, streamTarball, tarballFolder, type TarEntrySpec } from './tarballs.js'
import { authorize, completeInstall, exchangeCode, installPage, type WebAnswer } from './web.js'
import { convertManifest, isManifestForm, manifestForm } from './manifest_flow.js'

/**
 * A fake GitHub on loopback for the GitHub plugin's tests: one node:http
 * server that is at once api.github.com (REST, 2022-11-28), github.com
 * (the App install page and the OAuth web flow) and codeload.github.com
 * (tarballs). It follows GitHub's documented wire format so a client
 * written against the real GitHub works against it unchanged.
 */
export type {
  FakeCheckRun,
  FakeFaults,
  FakeGitHubState,
  FakeInstallation,
  FakePullRequest,
  FakeRepository,
  TarEntrySpec,
}
export type { SeedOptions }

export type FakeGitHubOptions = {
  /** 0 (the default) picks a free port */
  port?: number
  appId: number
  /** the App's RSA public key, which verifies its JWTs */
  publicKeyPem: string
  clientId: string
  clientSecret: string
  appSlug: string
  /** the App's display name (defaults to the slug) */
  appName?: string
}

export interface FakeGitHub {
  /** serves both the API and the web host: GITHUB_API_URL and GITHUB_URL both point here */
  url: string
  state: FakeGitHubState
  addInstallation(input: {
    id: number
    account: { login: string; id?: number; type?: 'Organization' | 'User' }
    repositorySelection?: 'all' | 'selected'
    suspended?: boolean
  }): FakeInstallation
  addRepository(
    installationId: number,
    input: {
      name: string
      defaultBranch?: string
      private?: boolean
      files?: Record<string, string>
    }
  ): FakeRepository
  seedOrganization(
    installationId: number,
    repositoryCount: number,
    pullRequestsPerRepository: number,
    options?: SeedOptions
  ): void
  addPullRequest(repoFullName: string, input?: Partial<FakePullRequest>): FakePullRequest
  updatePullRequest(
    repoFullName: string,
    number: number,
    changes: { title?: string; state?: 'open' | 'closed'; merged?: boolean }
  ): void
  addCommit(
    repoFullName: string,
    input: {
      message: string
      authorLogin?: string
      authorName?: string
      authorEmail?: string
      files?: FakeCommitFile[]
      committer?: { login: string | null; name: string; email: string }
    }
  ): string
  addUser(input: { login: string; installationIds: number[] }): void
  /** a team of an organisation, its members by login (GET /orgs/{org}/teams) */
  addTeam(
    organization: string,
    input: { name: string; slug?: string; description?: string | null; members: string[] }
  ): FakeTeam
  /** a fine-grained personal access token of a user who can read those installations' repositories */
  addPersonalAccessToken(input: { login: string; installationIds: number[] }): string
  setSetupUrl(url: string): void
  setTarballEntries(repoFullName: string, entries: TarEntrySpec[]): void
  /** serve the git data API (refs, commits, trees, blobs) from this real git repository */
  setGitDirectory(repoFullName: string, directory: string): void
  /** the tarball's top folder for the default branch's head, "{owner}-{repo}-{sha7}/" */
  tarballPrefix(repoFullName: string): string
  /** an installation token minted directly (counts in tokensIssued), for tests that skip the JWT step */
  mintInstallationToken(installationId: number): string
  faults: FakeFaults
  requests: RecordedRequest[]
  checkRuns: FakeCheckRun[]
  readonly tokensIssued: number
  resetRequests(): void
  stop(): Promise<void>
}

function sendWeb(
  state: FakeGitHubState,
  request: IncomingMessage,
  response: ServerResponse,
  answer: WebAnswer
) {
  state.requests.push({
    method: request.method!,
    path: request.url!,
    status: answer.status,
    authorization: 'none',
  })
  response.writeHead(answer.status, answer.headers ?? {})
  response.end(answer.body ?? '')
}

export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const state = createState({
    id: options.appId,
    slug: options.appSlug,
    name: options.appName ?? options.appSlug,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
  })
  let base = ''
  const handleApi = createApi(state, appKey(options.publicKeyPem), () => base)
  const installPath = /^\/apps\/([^/]+)\/installations\/new$/

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url!, base)
    const rawBody = await readBody(request)
    const slug = installPath.exec(url.pathname)?.[1]
    if (slug && request.method === 'GET')
      return sendWeb(state, request, response, installPage(state, slug, url))
    if (slug && request.method === 'POST') {
      return sendWeb(state, request, response, completeInstall(state, slug, rawBody))
    }
    if (isManifestForm(url.pathname) && request.method === 'POST') {
      return sendWeb(
        state,
        request,
        response,
        manifestForm(state, url, new URLSearchParams(rawBody))
      )
    }
    const conversion = /^\/app-manifests\/([^/]+)\/conversions$/.exec(url.pathname)
    if (conversion && request.method === 'POST') {
      const reply = convertManifest(state, decodeURIComponent(conversion[1]), base)
      return sendWeb(state, request, response, {
        status: reply.status,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(reply.body),
      })
    }
    if (url.pathname === '/login/oauth/authorize' && request.method === 'GET') {
      return sendWeb(state, request, response, authorize(state, url))
    }
    if (url.pathname === '/login/oauth/access_token' && request.method === 'POST') {
      const { accept, 'content-type': contentType } = request.headers
      return sendWeb(
        state,
        request,
        response,
        exchangeCode(state, url, rawBody, contentType, accept)
      )
    }
    if (url.pathname.startsWith('/_codeload/')) {
      const grant = request.method === 'GET' ? codeloadGrant(state, url) : null
      if (!grant) {
        return sendWeb(state, request, response, {
          status: 404,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
          body: '404: Not Found',
        })
      }
      state.requests.push({ method: 'GET', path: request.url!, status: 200, authorization: 'none' })
      return streamTarball(response, requireRepository(state, grant.repo), grant.sha)
    }
    handleApi(request, response, url, rawBody)
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      // A bug in the fake should fail the test loudly, not hang it.
      console.error('fake GitHub failed to answer', request.method, request.url, error)
      if (!response.headersSent)
        response.writeHead(500, { 'content-type': 'application/json; charset=utf-8' })
      response.end(JSON.stringify({ message: 'fake GitHub internal error' }))
    })
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url: base,
    state,
    addInstallation: (input) => seed.addInstallation(state, input),
    addRepository: (installationId, input) => seed.addRepository(state, installationId, input),
    seedOrganization: (installationId, repositoryCount, pullRequestsPerRepository, seedOptions) =>
      seedOrganization(
        state,
        installationId,
        repositoryCount,
        pullRequestsPerRepository,
        seedOptions
      ),
    addPullRequest: (repoFullName, input) => seed.addPullRequest(state, repoFullName, input),
    updatePullRequest: (repoFullName, number, changes) =>
      seed.updatePullRequest(state, repoFullName, number, changes),
    addCommit: (repoFullName, input) => seed.addCommit(state, repoFullName, input),
    addUser: (input) => seed.addUser(state, input),
    addTeam: (organization, input) => addTeam(state, organization, input),
    addPersonalAccessToken(input) {
      seed.addUser(state, input)
      const token = `github_pat_${randomBytes(30).toString('base64url').replace(/[-_]/g, 'x')}`
      state.userTokens.set(token, input.login)
      return token
    },
    setSetupUrl(url) {
      state.setupUrl = url
    },
    setGitDirectory(repoFullName, directory) {
      const repository = state.repositories.get(repoFullName.toLowerCase())
      if (!repository) throw new Error(`fake GitHub has no repository ${repoFullName}`)
      repository.gitDirectory = directory
    },
    setTarballEntries(repoFullName, entries) {
      requireRepository(state, repoFullName).tarballEntries = entries
    },
    tarballPrefix(repoFullName) {
      const repository = requireRepository(state, repoFullName)
      return tarballFolder(repository, headOf(repository).sha)
    },
    mintInstallationToken: (installationId) => mintInstallationToken(state, installationId).token,
    get faults() {
      return state.faults
    },
    set faults(faults) {
      state.faults = faults
    },
    requests: state.requests,
    checkRuns: state.checkRuns,
    get tokensIssued() {
      return state.tokensIssued
    },
    resetRequests() {
      state.requests.length = 0
    },
    stop() {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
