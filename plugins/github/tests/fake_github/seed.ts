import {
  EPOCH_2026,
  accountFor,
  hashInt,
  headOf,
  nextId,
  requireInstallation,
  requireRepository,
  sha1,
  tick,
  type FakeCommitFile,
  type FakeGitHubState,
  type FakeInstallation,
  type FakePullRequest,
  type FakeRepository,
} from './state.js'
import { makeCommit, pick } from './generate.js'

/**
 * The mutations tests drive: add an installation, a repository, a
 * commit, a pull request, a user; change a pull request "now". Bulk
 * seeding is in organization.ts.
 */
const DAY = 86_400

export function addInstallation(
  state: FakeGitHubState,
  input: {
    id: number
    account: { login: string; id?: number; type?: 'Organization' | 'User' }
    repositorySelection?: 'all' | 'selected'
    suspended?: boolean
  }
): FakeInstallation {
  const account = accountFor(input.account.login, input.account.type ?? 'Organization')
  const createdAt = EPOCH_2026 - 30 * DAY
  const installation: FakeInstallation = {
    id: input.id,
    account: { ...account, id: input.account.id ?? account.id },
    repositorySelection: input.repositorySelection ?? 'all',
    suspendedAt: input.suspended ? createdAt + DAY : null,
    createdAt,
    updatedAt: createdAt + DAY,
  }
  state.installations.set(installation.id, installation)
  return installation
}

export function addRepository(
  state: FakeGitHubState,
  installationId: number,
  input: { name: string; defaultBranch?: string; private?: boolean; files?: Record<string, string> }
): FakeRepository {
  const installation = requireInstallation(state, installationId)
  const fullName = `${installation.account.login}/${input.name}`
  const createdAt = EPOCH_2026 - 90 * DAY + (hashInt(fullName) % DAY)
  const initial = makeCommit({
    seed: `${fullName}:initial`,
    date: EPOCH_2026,
    parents: [],
    message: 'Initial commit',
    authorLogin: installation.account.type === 'User' ? installation.account.login : 'octocat',
  })
  const repository: FakeRepository = {
    id: nextId(state, 'repository'),
    installationId,
    owner: installation.account,
    name: input.name,
    fullName,
    defaultBranch: input.defaultBranch ?? 'main',
    private: input.private ?? true,
    description: `The ${input.name} service`,
    language: pick(fullName, ['TypeScript', 'Go', 'Python', 'Ruby']),
    createdAt,
    updatedAt: EPOCH_2026,
    pushedAt: EPOCH_2026,
    files: input.files ?? { 'README.md': `# ${input.name}\n` },
    tarballEntries: null,
    commits: [initial],
    pullRequests: [],
    releases: [],
    deployments: [],
    workflowRuns: [],
  }
  state.repositories.set(fullName.toLowerCase(), repository)
  return repository
}

/** a new commit on the default branch, "now"; returns its sha */
export function addCommit(
  state: FakeGitHubState,
  repoFullName: string,
  input: {
    message: string
    authorLogin?: string
    authorName?: string
    authorEmail?: string
    files?: FakeCommitFile[]
    committer?: { login: string | null; name: string; email: string }
  }
) {
  const repository = requireRepository(state, repoFullName)
  const date = tick(state)
  const commit = makeCommit({
    seed: `${repository.fullName}:commit:${repository.commits.length}:${input.message}`,
    date,
    parents: [headOf(repository).sha],
    message: input.message,
    authorLogin: input.authorLogin ?? 'octocat',
  })
  if (input.authorName) commit.authorName = input.authorName
  if (input.authorEmail) commit.authorEmail = input.authorEmail
  if (input.files) commit.files = input.files
  if (input.committer) commit.committer = input.committer
  repository.commits.push(commit)
  repository.pushedAt = date
  repository.updatedAt = date
  return commit.sha
}

export function addPullRequest(
  state: FakeGitHubState,
  repoFullName: string,
  input: Partial<FakePullRequest> = {}
): FakePullRequest {
  const repository = requireRepository(state, repoFullName)
  const number = input.number ?? Math.max(0, ...repository.pullRequests.map((p) => p.number)) + 1
  const now = tick(state)
  const closed = input.state === 'closed' || input.merged === true
  const pull: FakePullRequest = {
    id: nextId(state, 'pullRequest'),
    number,
    title: `Pull request #${number}`,
    body: 'Describes the change.',
    state: closed ? 'closed' : 'open',
    merged: input.merged ?? false,
    draft: false,
    authorLogin: 'octocat',
    createdAt: now,
    updatedAt: now,
    closedAt: closed ? now : null,
    mergedAt: input.merged ? now : null,
    headRef: `feature/${number}`,
    headSha: sha1(`${repository.fullName}#${number}:head`),
    baseRef: repository.defaultBranch,
    baseSha: headOf(repository).sha,
    mergeCommitSha: sha1(`${repository.fullName}#${number}:merge`),
    additions: 10,
    deletions: 2,
    changedFiles: 2,
    commits: 1,
    reviews: 0,
    comments: 0,
    reviewComments: 0,
    requestedReviewers: [],
    ...input,
  }
  repository.pullRequests.push(pull)
  return pull
}

/** a change made "now": updated_at sorts after every other pull request */
export function updatePullRequest(
  state: FakeGitHubState,
  repoFullName: string,
  number: number,
  changes: { title?: string; state?: 'open' | 'closed'; merged?: boolean }
) {
  const repository = requireRepository(state, repoFullName)
  const pull = repository.pullRequests.find((candidate) => candidate.number === number)
  if (!pull) throw new Error(`fake GitHub: no pull request ${repoFullName}#${number}`)
  const now = tick(state)
  if (changes.title !== undefined) pull.title = changes.title
  if (changes.state === 'closed' && pull.state === 'open') pull.closedAt = now
  if (changes.state === 'open') pull.closedAt = null
  if (changes.state) pull.state = changes.state
  if (changes.merged && !pull.merged) {
    pull.merged = true
    pull.mergedAt = now
    pull.closedAt = now
    pull.state = 'closed'
    pull.draft = false
  }
  pull.updatedAt = now
}

export function addUser(
  state: FakeGitHubState,
  input: { login: string; installationIds: number[] }
) {
  const existing = state.users.find((user) => user.login === input.login)
  if (existing) state.users.splice(state.users.indexOf(existing), 1)
  state.users.push({
    ...accountFor(input.login, 'User'),
    name: input.login.replace(/[-_]/g, ' '),
    email: `${input.login}@example.com`,
    installationIds: [...input.installationIds],
  })
}
