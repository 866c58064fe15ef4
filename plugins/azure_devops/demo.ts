import { createHash } from 'node:crypto'
import type {
  DemoContext,
  DeploymentInput,
  IssueInput,
  PullRequestInput,
  RepositoryInput,
} from '#plugin-sdk'

const ORGANIZATION = 'acme-rockets'
const PROJECT = 'Mission'
const REPOSITORIES = ['flight-software', 'range-safety', 'payload-ops']
const AUTHORS = [
  'ada@acme-rockets.example',
  'grace@acme-rockets.example',
  'mae@acme-rockets.example',
]
const PULL_REQUESTS_PER_REPOSITORY = 25
const DAY = 86_400_000
const HOUR = 3_600_000

/** deterministic "randomness", so a second run writes the same rows */
function unit(seed: string) {
  return createHash('sha1').update(seed).digest().readUInt32BE(0) / 0xffffffff
}

const sha = (seed: string) => createHash('sha1').update(`azure-demo:${seed}`).digest('hex')

/**
 * Azure DevOps-shaped history for the demo organisation: a project's
 * repositories, pull requests completed over the last three months,
 * pipeline runs and weekly release deployments to Production, and
 * work items (some of them bugs). Upserted by stable ids.
 */
export async function populateDemoData({ store, now }: DemoContext) {
  const base = `https://dev.azure.com/${ORGANIZATION}/${PROJECT}/_git`
  const repositories: RepositoryInput[] = REPOSITORIES.map((name, index) => ({
    externalId: `azure-demo-${index}`,
    name,
    fullName: `${PROJECT}/${name}`,
    url: `${base}/${name}`,
    cloneUrl: `https://${ORGANIZATION}@dev.azure.com/${ORGANIZATION}/${PROJECT}/_git/${name}`,
    defaultBranch: 'main',
    isPrivate: true,
    remoteUpdatedAt: new Date(now - index * HOUR),
  }))
  await store.upsertRepositories(repositories)
  await store.upsertContributors(
    AUTHORS.map((login, index) => ({ externalId: `azure-demo-user-${index}`, login }))
  )

  const deployments: DeploymentInput[] = []
  for (const repository of repositories) {
    const pulls: PullRequestInput[] = []
    for (let number = 1; number <= PULL_REQUESTS_PER_REPOSITORY; number++) {
      const seed = `${repository.name}!${number}`
      const opened = now - (90 - (number * 88) / PULL_REQUESTS_PER_REPOSITORY) * DAY
      const firstReview = opened + (2 + unit(`${seed}:pickup`) * 20) * HOUR
      const completed = firstReview + (3 + unit(`${seed}:review`) * 30) * HOUR
      const open = completed > now - DAY
      pulls.push({
        externalId: `${repository.externalId}:${number}`,
        repositoryExternalId: repository.externalId,
        number,
        title: `Change ${number} to ${repository.name}`,
        state: open ? 'open' : 'merged',
        authorLogin: AUTHORS[Math.floor(unit(`${seed}:author`) * AUTHORS.length)],
        baseRef: 'main',
        headRef: `feature/${number}`,
        headSha: sha(seed),
        url: `${repository.url}/pullrequest/${number}`,
        openedAt: new Date(opened),
        firstReviewAt: new Date(firstReview),
        mergedAt: open ? null : new Date(completed),
        closedAt: open ? null : new Date(completed),
      })
      if (!open) {
        const failed = unit(`${seed}:build`) < 0.12
        deployments.push({
          externalId: `build:${repository.externalId}:${number}`,
          repositoryExternalId: repository.externalId,
          kind: 'build',
          environment: `${repository.name} CI`,
          status: failed ? 'failure' : 'success',
          sha: sha(seed),
          startedAt: new Date(completed + 5 * 60_000),
          finishedAt: new Date(completed + 17 * 60_000),
        })
      }
    }
    await store.upsertPullRequests(pulls)
    for (let week = 0; week < 12; week++) {
      const started = now - (84 - week * 7) * DAY + 10 * HOUR
      deployments.push({
        externalId: `release-deployment:${repository.externalId}:${week}`,
        repositoryExternalId: repository.externalId,
        kind: 'deployment',
        environment: 'Production',
        status: unit(`${repository.name}:release:${week}`) < 0.1 ? 'failure' : 'success',
        startedAt: new Date(started),
        finishedAt: new Date(started + 20 * 60_000),
      })
    }
  }
  await store.upsertDeployments(deployments)

  const issues: IssueInput[] = []
  for (let id = 1; id <= 30; id++) {
    const opened = now - (88 - id * 2.5) * DAY
    const bug = unit(`item:${id}:type`) < 0.35
    const done = opened < now - 7 * DAY
    issues.push({
      externalId: `azure-demo-item-${id}`,
      key: String(1000 + id),
      projectKey: PROJECT,
      title: bug ? `Telemetry drops frame ${id}` : `Story ${id}`,
      type: bug ? 'bug' : 'story',
      status: done ? 'Closed' : 'Active',
      statusCategory: done ? 'done' : 'in_progress',
      url: `https://dev.azure.com/${ORGANIZATION}/${PROJECT}/_workitems/edit/${1000 + id}`,
      openedAt: new Date(opened),
      resolvedAt: done ? new Date(opened + (1 + unit(`item:${id}:fix`) * 5) * DAY) : null,
    })
  }
  await store.upsertIssues(issues)
}
