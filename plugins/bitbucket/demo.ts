import { createHash } from 'node:crypto'
import type {
  CommitInput,
  DemoContext,
  DeploymentInput,
  PullRequestInput,
  RepositoryInput,
} from '#plugin-sdk'

const WORKSPACE = 'acme-rockets'
const REPOSITORIES = ['mission-planner', 'payload-api', 'range-safety']
const AUTHORS = ['ada', 'grace', 'katherine', 'margaret']
const PULL_REQUESTS_PER_REPOSITORY = 24
const DAY = 86_400_000
const HOUR = 3_600_000

/** deterministic "randomness", so every start writes the same rows */
function unit(seed: string) {
  return createHash('sha1').update(seed).digest().readUInt32BE(0) / 0xffffffff
}

const sha = (seed: string) => createHash('sha1').update(`bitbucket-demo:${seed}`).digest('hex')
const uuid = (seed: string) => {
  const hex = sha(seed)
  return `{${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}}`
}

/**
 * Bitbucket Cloud's share of the demo organisation: a workspace's
 * repositories (ids are Bitbucket's curly-braced UUIDs), pull requests
 * merged, declined and open over the last two months with review and
 * merge times, their merge commits (some AI-assisted by trailer) and
 * Pipelines runs on main, one in eight failing. Upserted by stable ids.
 */
export async function populateDemoData({ store, now }: DemoContext) {
  const repositories: RepositoryInput[] = REPOSITORIES.map((name, index) => ({
    externalId: uuid(`repo:${name}`),
    name,
    fullName: `${WORKSPACE}/${name}`,
    url: `https://bitbucket.org/${WORKSPACE}/${name}`,
    cloneUrl: `https://bitbucket.org/${WORKSPACE}/${name}.git`,
    defaultBranch: 'main',
    isPrivate: true,
    language: ['kotlin', 'python', 'go'][index],
    remoteUpdatedAt: new Date(now - index * HOUR),
  }))
  await store.upsertRepositories(repositories)
  await store.upsertContributors(
    AUTHORS.map((login) => ({ externalId: uuid(`user:${login}`), login, name: login }))
  )

  for (const repository of repositories) {
    const pulls: PullRequestInput[] = []
    const commits: CommitInput[] = []
    const runs: DeploymentInput[] = []
    for (let id = 1; id <= PULL_REQUESTS_PER_REPOSITORY; id++) {
      const seed = `${repository.name}#${id}`
      const opened = now - (60 - (id * 58) / PULL_REQUESTS_PER_REPOSITORY) * DAY
      const firstReview = opened + (1 + unit(`${seed}:pickup`) * 20) * HOUR
      const closed = firstReview + (2 + unit(`${seed}:review`) * 30) * HOUR
      const isOpen = closed > now - DAY
      const declined = !isOpen && unit(`${seed}:declined`) < 0.1
      const author = AUTHORS[Math.floor(unit(`${seed}:author`) * AUTHORS.length)]
      let state: PullRequestInput['state'] = 'merged'
      if (isOpen) state = 'open'
      else if (declined) state = 'closed'
      pulls.push({
        externalId: `${repository.externalId}:${id}`,
        repositoryExternalId: repository.externalId,
        number: id,
        title: `${repository.name}: change ${id}`,
        state,
        authorLogin: author,
        baseRef: 'main',
        headRef: `feature/${id}`,
        headSha: sha(seed).slice(0, 12),
        additions: Math.round(5 + unit(`${seed}:add`) * 300),
        deletions: Math.round(unit(`${seed}:del`) * 120),
        changedFiles: Math.round(1 + unit(`${seed}:files`) * 15),
        url: `${repository.url}/pull-requests/${id}`,
        openedAt: new Date(opened),
        firstReviewAt: new Date(Math.min(firstReview, now)),
        approvedAt: state === 'merged' ? new Date(closed - HOUR) : null,
        mergedAt: state === 'merged' ? new Date(closed) : null,
        closedAt: isOpen ? null : new Date(closed),
        remoteUpdatedAt: new Date(Math.min(closed, now)),
      })
      if (state !== 'merged') continue
      const mergeSha = sha(`${seed}:merge`)
      const assisted = unit(`${seed}:ai`) < 0.3
      commits.push({
        repositoryExternalId: repository.externalId,
        sha: mergeSha,
        message: `Merged in feature/${id} (pull request #${id})${
          assisted ? '\n\nCo-authored-by: Claude <noreply@anthropic.com>' : ''
        }`,
        authorLogin: author,
        authorName: author,
        authoredAt: new Date(closed),
        committedAt: new Date(closed),
      })
      const failed = unit(`${seed}:pipeline`) < 0.125
      runs.push({
        externalId: `pipeline:${uuid(`${seed}:pipeline`)}`,
        repositoryExternalId: repository.externalId,
        kind: 'build',
        environment: 'main',
        status: failed ? 'failure' : 'success',
        sha: mergeSha,
        startedAt: new Date(closed + 60_000),
        finishedAt: new Date(closed + (4 + unit(`${seed}:duration`) * 10) * 60_000),
        url: `${repository.url}/pipelines/results/${id}`,
      })
    }
    await store.upsertPullRequests(pulls)
    await store.upsertCommits(commits)
    await store.upsertDeployments(runs)
  }
}
