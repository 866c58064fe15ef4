import { createHash } from 'node:crypto'
import type { CommitInput, DemoContext, PullRequestInput, RepositoryInput } from '#plugin-sdk'

const REPOSITORIES = ['launch-control', 'telemetry', 'guidance', 'ground-station', 'fuel-system']
const AUTHORS = ['ada', 'grace', 'katherine', 'margaret', 'mary', 'dorothy']
const PULL_REQUESTS_PER_REPOSITORY = 40
const DAY = 86_400_000
const HOUR = 3_600_000

/** deterministic "randomness", so running the command twice writes the same rows */
function unit(seed: string) {
  return createHash('sha1').update(seed).digest().readUInt32BE(0) / 0xffffffff
}

function sha(seed: string) {
  return createHash('sha1').update(`demo-commit:${seed}`).digest('hex')
}

/**
 * GitHub-shaped history for the demo organisation: repositories, pull
 * requests spread over the last three months with review and merge
 * times, and default-branch commits, a quarter of them AI-assisted by
 * their trailers. Upserted by stable ids, so it is safe to run again.
 */
export async function populateDemoData({ store, now }: DemoContext) {
  const repositories: RepositoryInput[] = REPOSITORIES.map((name, index) => ({
    externalId: `demo-${900_000 + index}`,
    name,
    fullName: `acme-rockets/${name}`,
    url: `https://github.com/acme-rockets/${name}`,
    defaultBranch: 'main',
    isPrivate: true,
    language: ['TypeScript', 'Go', 'Python', 'TypeScript', 'Rust'][index],
    remoteUpdatedAt: new Date(now - index * HOUR),
  }))
  await store.upsertRepositories(repositories)
  await store.upsertContributors(
    AUTHORS.map((login, index) => ({ externalId: `demo-user-${index}`, login }))
  )

  for (const repository of repositories) {
    const pulls: PullRequestInput[] = []
    const commits: CommitInput[] = []
    for (let number = 1; number <= PULL_REQUESTS_PER_REPOSITORY; number++) {
      const seed = `${repository.name}#${number}`
      const opened = now - (90 - (number * 88) / PULL_REQUESTS_PER_REPOSITORY) * DAY
      const firstReview = opened + (1 + unit(`${seed}:pickup`) * 30) * HOUR
      const merged = firstReview + (2 + unit(`${seed}:review`) * 40) * HOUR
      const isOpen = merged > now - DAY
      const author = AUTHORS[Math.floor(unit(`${seed}:author`) * AUTHORS.length)]
      pulls.push({
        externalId: `demo-pr-${repository.externalId}-${number}`,
        repositoryExternalId: repository.externalId,
        number,
        title: `Improve ${repository.name} step ${number}`,
        state: isOpen ? 'open' : 'merged',
        authorLogin: author,
        baseRef: 'main',
        headRef: `feature/${number}`,
        headSha: sha(seed),
        additions: Math.round(10 + unit(`${seed}:add`) * 400),
        deletions: Math.round(unit(`${seed}:del`) * 150),
        changedFiles: Math.round(1 + unit(`${seed}:files`) * 20),
        commitsCount: Math.round(1 + unit(`${seed}:commits`) * 6),
        url: `${repository.url}/pull/${number}`,
        openedAt: new Date(opened),
        firstCommitAt: new Date(opened - unit(`${seed}:coding`) * 48 * HOUR),
        firstReviewAt: new Date(Math.min(firstReview, now)),
        approvedAt: isOpen ? null : new Date(merged - HOUR),
        mergedAt: isOpen ? null : new Date(merged),
        closedAt: isOpen ? null : new Date(merged),
        remoteUpdatedAt: new Date(Math.min(merged, now)),
      })
      if (!isOpen) {
        const assisted = unit(`${seed}:ai`) < 0.25
        commits.push({
          repositoryExternalId: repository.externalId,
          sha: sha(`${seed}:merge`),
          message: `Improve ${repository.name} step ${number} (#${number})${
            assisted ? '\n\nCo-authored-by: Claude <noreply@anthropic.com>' : ''
          }`,
          authorLogin: author,
          authorName: author,
          authoredAt: new Date(merged),
          committedAt: new Date(merged),
        })
      }
    }
    await store.upsertPullRequests(pulls)
    await store.upsertCommits(commits)
  }
}
