import {
  EPOCH_2026,
  hashInt,
  headOf,
  nextId,
  observe,
  repositoriesOf,
  sha1,
  type FakeGitHubState,
  type FakeRepository,
} from './state.js'
import { authorFor, makeCommit, pick } from './generate.js'
import { addRepository } from './seed.js'

/**
 * seedOrganization: fills an installation with deterministic
 * repositories, commits, pull requests, releases, deployments and
 * workflow runs, their timestamps spread over 2026 (all in the past).
 */
const DAY = 86_400
/** seeded activity runs from 1 January to late October 2026 */
const WINDOW = 300 * DAY

export type SeedOptions = {
  commitsPerRepository?: number
  releasesPerRepository?: number
  deploymentsPerRepository?: number
  workflowRunsPerRepository?: number
}

/** the commit that was the head of the default branch at a moment */
function commitAt(repository: FakeRepository, date: number) {
  let found = repository.commits[0]
  for (const commit of repository.commits) if (commit.date <= date) found = commit
  return found
}

/** evenly spread in the window, shifted per repository so repositories interleave */
function spread(index: number, count: number, repositoryIndex: number, window = WINDOW) {
  return EPOCH_2026 + Math.floor(((index + 1) * window) / (count + 1)) + repositoryIndex * 37
}

export function seedOrganization(
  state: FakeGitHubState,
  installationId: number,
  repositoryCount: number,
  pullRequestsPerRepository: number,
  options: SeedOptions = {}
) {
  const offset = repositoriesOf(state, installationId).length
  // Residues modulo the total make every seeded updated_at distinct.
  const modulus = Math.max(1, repositoryCount * pullRequestsPerRepository)
  for (let r = 0; r < repositoryCount; r++) {
    const name = `repo-${String(offset + r).padStart(2, '0')}`
    const repository = addRepository(state, installationId, {
      name,
      private: (offset + r) % 3 !== 0,
      files: {
        'README.md': `# ${name}\n\nSeeded by the fake GitHub.\n`,
        'package.json': `${JSON.stringify({ name, version: '1.0.0' }, null, 2)}\n`,
        'src/index.ts': `export const name = '${name}'\n`,
      },
    })
    seedCommits(repository, options.commitsPerRepository ?? 20, r)
    for (let i = 0; i < pullRequestsPerRepository; i++) {
      seedPullRequest(state, repository, i, pullRequestsPerRepository, r, modulus)
    }
    seedReleases(state, repository, options.releasesPerRepository ?? 3, r)
    seedDeployments(state, repository, options.deploymentsPerRepository ?? 3, r)
    seedWorkflowRuns(state, repository, options.workflowRunsPerRepository ?? 5, r)
    const head = headOf(repository)
    repository.pushedAt = head.date
    repository.updatedAt = observe(state, head.date)
  }
}

function seedCommits(repository: FakeRepository, count: number, r: number) {
  for (let i = 0; i < count; i++) {
    repository.commits.push(
      makeCommit({
        seed: `${repository.fullName}:seed:${i}`,
        date: spread(i, count, r),
        parents: [headOf(repository).sha],
      })
    )
  }
}

function seedPullRequest(
  state: FakeGitHubState,
  repository: FakeRepository,
  i: number,
  count: number,
  r: number,
  modulus: number
) {
  const seed = `${repository.fullName}#pr:${i}`
  const h = hashInt(seed)
  const createdAt = spread(i, count, r, WINDOW - 20 * DAY)
  const raw = createdAt + modulus + (h % (10 * DAY))
  const updatedAt = observe(state, raw - (raw % modulus) + ((r * count + i) % modulus))
  const fate = h % 10
  const merged = fate >= 3
  const closed = fate >= 2
  const closedAt = closed ? Math.max(createdAt, updatedAt - (h % 3600)) : null
  const authorLogin = authorFor(seed)
  const number = i + 1
  const base = commitAt(repository, createdAt)
  repository.pullRequests.push({
    id: nextId(state, 'pullRequest'),
    number,
    title: `${pick(`${seed}:verb`, ['Add', 'Fix', 'Improve', 'Remove'])} ${pick(`${seed}:noun`, ['login flow', 'billing export', 'search index', 'retry logic', 'docs'])} (#${number})`,
    body: h % 5 === 0 ? null : `Closes #${1000 + i}.`,
    state: closed ? 'closed' : 'open',
    merged,
    draft: !closed && h % 20 === 1,
    authorLogin,
    createdAt,
    updatedAt,
    closedAt,
    mergedAt: merged ? closedAt : null,
    headRef: `feature/${number}-${authorLogin.replace('[bot]', '')}`,
    headSha: sha1(`${repository.fullName}#${number}:head`),
    baseRef: repository.defaultBranch,
    baseSha: base.sha,
    mergeCommitSha: sha1(`${repository.fullName}#${number}:merge`),
    additions: 1 + (hashInt(`${seed}:add`) % 400),
    deletions: hashInt(`${seed}:del`) % 200,
    changedFiles: 1 + (hashInt(`${seed}:files`) % 12),
    commits: 1 + (hashInt(`${seed}:commits`) % 5),
    reviews: (merged ? 1 : 0) + (hashInt(`${seed}:reviews`) % 3),
    comments: hashInt(`${seed}:comments`) % 6,
    reviewComments: hashInt(`${seed}:review-comments`) % 5,
    requestedReviewers: !closed && h % 2 === 0 ? [authorFor(`${seed}:reviewer`, authorLogin)] : [],
  })
}

function seedReleases(
  state: FakeGitHubState,
  repository: FakeRepository,
  count: number,
  r: number
) {
  for (let k = 0; k < count; k++) {
    const createdAt = observe(state, spread(k, count, r))
    const draft = k === count - 1 && hashInt(`${repository.fullName}:release-draft`) % 4 === 0
    repository.releases.push({
      id: nextId(state, 'release'),
      tagName: `v1.${k}.0`,
      name: `Version 1.${k}.0`,
      draft,
      prerelease: k % 5 === 4,
      createdAt,
      publishedAt: draft ? null : createdAt + 120,
      authorLogin: authorFor(`${repository.fullName}:release:${k}`),
    })
  }
}

function seedDeployments(
  state: FakeGitHubState,
  repository: FakeRepository,
  count: number,
  r: number
) {
  for (let k = 0; k < count; k++) {
    const seed = `${repository.fullName}:deployment:${k}`
    const createdAt = spread(k, count, r) + 600
    repository.deployments.push({
      id: nextId(state, 'deployment'),
      sha: commitAt(repository, createdAt).sha,
      ref: repository.defaultBranch,
      environment: k % 2 === 0 ? 'production' : 'staging',
      createdAt,
      updatedAt: observe(state, createdAt + 300 + (hashInt(seed) % 600)),
      creatorLogin: authorFor(seed),
      finalState: pick(seed, ['success', 'success', 'success', 'success', 'failure', 'error']),
    })
  }
}

function seedWorkflowRuns(
  state: FakeGitHubState,
  repository: FakeRepository,
  count: number,
  r: number
) {
  for (let k = 0; k < count; k++) {
    const seed = `${repository.fullName}:run:${k}`
    const h = hashInt(seed)
    const createdAt = spread(k, count, r) + 60
    const pull =
      k % 3 === 2
        ? repository.pullRequests[k % Math.max(1, repository.pullRequests.length)]
        : undefined
    const name = pick(`${seed}:name`, ['CI', 'CI', 'Deploy', 'Lint'])
    repository.workflowRuns.push({
      id: nextId(state, 'workflowRun'),
      name,
      workflowId: 70_000_000 + (hashInt(`${repository.fullName}:${name}`) % 1_000_000),
      runNumber: k + 1,
      headBranch: pull?.headRef ?? repository.defaultBranch,
      headSha: pull?.headSha ?? commitAt(repository, createdAt).sha,
      event: pull ? 'pull_request' : 'push',
      status: 'completed',
      conclusion: pick(`${seed}:conclusion`, [
        'success',
        'success',
        'success',
        'failure',
        'cancelled',
      ]),
      createdAt,
      updatedAt: observe(state, createdAt + 120 + (h % 900)),
      runAttempt: h % 6 === 0 ? 2 : 1,
      actorLogin: authorFor(seed),
    })
  }
}
