import {
  hashInt,
  sha1,
  type DeploymentState,
  type FakeCommit,
  type FakeDeployment,
  type FakePullRequest,
  type FakeRepository,
} from './state.js'

/**
 * Deterministic generators. Per-pull-request detail (commits, reviews,
 * files) and deployment statuses are derived on demand from the
 * compact records, so 50 repositories × 200 pull requests stay small.
 */
export const AUTHORS = [
  'octocat',
  'monalisa',
  'hubot',
  'ada-lovelace',
  'grace-hopper',
  'linus-t',
  'margaret-h',
  'dependabot[bot]',
]

/** The trailers GitHub's own AI integrations (and Claude Code) add to commits. */
const AI_TRAILERS = [
  'Co-authored-by: Claude <noreply@anthropic.com>',
  'Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>',
]

const SUBJECTS = [
  'Fix flaky retry in the sync worker',
  'Add pagination to the project list',
  'Bump dependencies',
  'Refactor the settings form',
  'Handle empty responses from the API',
  'Document the release process',
  'Speed up the test suite',
  'Remove the unused feature flag',
]

export function pick<T>(seed: string, choices: readonly T[]): T {
  return choices[hashInt(seed) % choices.length]
}

export function authorFor(seed: string, except?: string) {
  const humans = AUTHORS.filter((login) => login !== except)
  return pick(seed, humans)
}

/** roughly one commit in four is AI-assisted, decided by the seed */
export function isAiAssisted(seed: string) {
  return hashInt(`${seed}:ai`) % 4 === 0
}

export function commitMessage(seed: string, subject = pick(seed, SUBJECTS)) {
  if (!isAiAssisted(seed)) return subject
  return `${subject}\n\nMore context in the pull request.\n\n${pick(`${seed}:trailer`, AI_TRAILERS)}`
}

export function makeCommit(input: {
  seed: string
  date: number
  parents: string[]
  message?: string
  authorLogin?: string | null
}): FakeCommit {
  const login = input.authorLogin === undefined ? authorFor(input.seed) : input.authorLogin
  // One commit in ten comes from an email linked to no account: GitHub answers author: null.
  const unlinked = input.authorLogin === undefined && hashInt(`${input.seed}:unlinked`) % 10 === 0
  const name = login ?? 'Someone Unlinked'
  return {
    sha: sha1(`commit:${input.seed}`),
    message: input.message ?? commitMessage(input.seed),
    authorLogin: unlinked ? null : login,
    authorName: unlinked ? 'Laptop User' : name,
    authorEmail: unlinked
      ? 'me@laptop.local'
      : `${name.replace('[bot]', '')}@users.noreply.github.com`,
    date: input.date,
    parents: input.parents,
  }
}

/** the commits of a pull request's head branch, oldest first; the last is its head */
export function pullRequestCommits(repository: FakeRepository, pull: FakePullRequest) {
  const commits: FakeCommit[] = []
  const span = Math.max(1, (pull.mergedAt ?? pull.updatedAt) - pull.createdAt)
  let parent = pull.baseSha
  for (let index = 0; index < pull.commits; index++) {
    const last = index === pull.commits - 1
    const seed = `${repository.fullName}#${pull.number}:commit:${index}`
    const commit = makeCommit({
      seed,
      date: pull.createdAt + Math.floor((span * index) / Math.max(1, pull.commits)),
      parents: [parent],
      authorLogin: pull.authorLogin,
    })
    if (last) commit.sha = pull.headSha
    commits.push(commit)
    parent = commit.sha
  }
  return commits
}

export type GeneratedReview = {
  id: number
  login: string
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED'
  submittedAt: number
  commitId: string
  body: string
}

export function pullRequestReviews(repository: FakeRepository, pull: FakePullRequest) {
  const reviews: GeneratedReview[] = []
  const span = Math.max(1, (pull.closedAt ?? pull.updatedAt) - pull.createdAt)
  for (let index = 0; index < pull.reviews; index++) {
    const seed = `${repository.fullName}#${pull.number}:review:${index}`
    const last = index === pull.reviews - 1
    // Merged pull requests end on an approval, as branch protection would demand.
    const state =
      last && pull.merged ? 'APPROVED' : pick(seed, ['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED'])
    reviews.push({
      id: pull.id * 8 + index,
      login: authorFor(seed, pull.authorLogin),
      state: state as GeneratedReview['state'],
      submittedAt: pull.createdAt + Math.floor((span * (index + 1)) / (pull.reviews + 1)),
      commitId: pull.headSha,
      body: state === 'APPROVED' ? 'Looks good to me.' : 'A few comments inline.',
    })
  }
  return reviews
}

export type GeneratedFile = {
  sha: string
  filename: string
  status: 'added' | 'removed' | 'modified'
  additions: number
  deletions: number
}

const FOLDERS = ['src', 'src/api', 'tests', 'docs', 'config']

/** files whose additions and deletions add up to the pull request's totals */
export function pullRequestFiles(repository: FakeRepository, pull: FakePullRequest) {
  const files: GeneratedFile[] = []
  const count = Math.max(1, pull.changedFiles)
  for (let index = 0; index < count; index++) {
    const share = (total: number) => Math.floor(total / count) + (index < total % count ? 1 : 0)
    const additions = share(pull.additions)
    const deletions = share(pull.deletions)
    const seed = `${repository.fullName}#${pull.number}:file:${index}`
    files.push({
      sha: sha1(`blob:${seed}`),
      filename: `${pick(seed, FOLDERS)}/file_${pull.number}_${index}.ts`,
      status: deletions === 0 ? 'added' : additions === 0 ? 'removed' : 'modified',
      additions,
      deletions,
    })
  }
  return files
}

export type GeneratedDeploymentStatus = { id: number; state: DeploymentState; createdAt: number }

/** queued → in_progress → final state, returned newest first as GitHub does */
export function deploymentStatuses(deployment: FakeDeployment): GeneratedDeploymentStatus[] {
  const path: DeploymentState[] = ['queued', 'in_progress']
  if (!['queued', 'in_progress'].includes(deployment.finalState)) path.push(deployment.finalState)
  if (deployment.finalState === 'in_progress') path.length = 2
  if (deployment.finalState === 'queued') path.length = 1
  const step = Math.max(1, Math.floor((deployment.updatedAt - deployment.createdAt) / path.length))
  return path
    .map((state, index) => ({
      id: deployment.id * 4 + index,
      state,
      createdAt: deployment.createdAt + step * (index + 1),
    }))
    .reverse()
}
