import { createHash } from 'node:crypto'
import type { ContributorInput, PullRequestInput, StoredRepository, SyncContext } from '#plugin-sdk'
import { API_VERSION } from '../client.js'
import type { Azure } from '../types.js'
import { firstReviewOf, readThreads, wantsDetail } from './reviews.js'
import { wholeDescription, writeMarkedPullRequestCommits } from './pull_request_markers.js'

/** the most pull requests Azure DevOps returns per page */
export const PAGE_SIZE = 100

const branchName = (ref: string | undefined) => (ref ? ref.replace(/^refs\/heads\//, '') : null)

/** the project part of "Project/repository" (project names cannot hold a slash) */
export const projectOf = (repository: Pick<StoredRepository, 'fullName'>) =>
  repository.fullName.slice(0, repository.fullName.indexOf('/'))

export function pullRequestInput(
  repository: StoredRepository,
  pull: Azure.PullRequest,
  webBase: string
): PullRequestInput {
  const state =
    pull.status === 'completed' ? 'merged' : pull.status === 'abandoned' ? 'closed' : 'open'
  return {
    externalId: `${repository.externalId}:${pull.pullRequestId}`,
    repositoryExternalId: repository.externalId,
    number: pull.pullRequestId,
    title: pull.title.slice(0, 500),
    state,
    authorLogin: pull.createdBy?.uniqueName ?? null,
    baseRef: branchName(pull.targetRefName),
    headRef: branchName(pull.sourceRefName),
    headSha: pull.lastMergeSourceCommit?.commitId ?? null,
    draft: pull.isDraft === true,
    url: `${webBase}/pullrequest/${pull.pullRequestId}`,
    openedAt: pull.creationDate,
    mergedAt: state === 'merged' ? (pull.closedDate ?? null) : null,
    closedAt: state === 'open' ? null : (pull.closedDate ?? null),
  }
}

/**
 * An Azure DevOps identity as a contributor: its id (the same in pull
 * requests, reviews and team memberships) and its uniqueName as login,
 * the name pull requests are attributed by; null without either.
 */
export function contributorOf(
  identity: Partial<Azure.Identity> | undefined
): ContributorInput | null {
  if (!identity?.id || !identity.uniqueName) return null
  return {
    externalId: identity.id,
    login: identity.uniqueName,
    name: identity.displayName ?? null,
    email: identity.uniqueName.includes('@') ? identity.uniqueName : null,
  }
}

export function contributorsOf(pulls: Azure.PullRequest[]): ContributorInput[] {
  const people = new Map<string, ContributorInput>()
  for (const pull of pulls) {
    for (const identity of [pull.createdBy, ...(pull.reviewers ?? [])]) {
      const contributor = contributorOf(identity)
      if (contributor) people.set(contributor.externalId, contributor)
    }
  }
  return [...people.values()]
}

/** what decides whether a stored pull request is still current */
const fingerprint = (pull: Azure.PullRequest) =>
  createHash('sha1')
    .update(
      JSON.stringify([
        pull.status,
        pull.title,
        pull.closedDate,
        pull.isDraft,
        pull.lastMergeSourceCommit?.commitId,
        pull.lastMergeCommit?.commitId,
        // an edited description may add or drop an agent's marker
        pull.description ?? null,
        (pull.reviewers ?? []).map((reviewer) => [reviewer.id, reviewer.vote]),
      ])
    )
    .digest('base64url')
    .slice(0, 12)

/**
 * The repository's cursor: each pull request's fingerprint, and the
 * oldest one still open (pages past it hold only settled pull requests).
 */
type PullCursor = { prints: Record<string, string>; oldestOpen: number | null }

function readCursor(value: string | null): PullCursor {
  if (!value) return { prints: {}, oldestOpen: null }
  try {
    const parsed = JSON.parse(value) as PullCursor
    return { prints: parsed.prints ?? {}, oldestOpen: parsed.oldestOpen ?? null }
  } catch {
    return { prints: {}, oldestOpen: null }
  }
}

/**
 * One repository's pull requests, newest first, `$top`/`$skip` pages of
 * 100: a page shorter than asked is the last. Only pull requests whose
 * fingerprint changed are written. On a re-sync the walk stops at the
 * first page that holds nothing new, nothing open and nothing older
 * than the oldest pull request that was still open last time.
 */
async function syncRepository(context: SyncContext, repository: StoredRepository, webBase: string) {
  const scope = `pull_requests:${repository.externalId}`
  const previous = context.full
    ? { prints: {}, oldestOpen: null }
    : readCursor(await context.cursors.get(scope))
  const known = Object.keys(previous.prints).length > 0
  const prints: Record<string, string> = { ...previous.prints }
  let oldestOpen: number | null = null
  const path = `/${encodeURIComponent(projectOf(repository))}/_apis/git/repositories/${repository.externalId}/pullrequests`
  for (let skip = 0; ; skip += PAGE_SIZE) {
    const page = await context.http.get<Azure.List<Azure.PullRequest>>(path, {
      query: {
        'searchCriteria.status': 'all',
        '$top': PAGE_SIZE,
        '$skip': skip,
        'api-version': API_VERSION,
      },
    })
    const pulls = page.data.value
    const changed = pulls.filter((pull) => prints[pull.pullRequestId] !== fingerprint(pull))
    if (changed.length > 0) {
      const rows: PullRequestInput[] = []
      for (const pull of changed) {
        const row = pullRequestInput(repository, pull, webBase)
        // first review from the threads, for recent pull requests (one request each)
        if (wantsDetail(pull)) {
          const threads = await readThreads(
            context.http,
            projectOf(repository),
            repository.externalId,
            pull.pullRequestId
          )
          row.firstReviewAt = firstReviewOf(pull, threads)
        }
        // the description, for an agent's marker; a marked pull request's
        // commits are stored with their added lines first (docs/ai_code.md)
        const project = projectOf(repository)
        row.body = await wholeDescription(context.http, project, repository, pull)
        const commitShas = await writeMarkedPullRequestCommits(
          context.http,
          context.store,
          project,
          repository,
          pull.pullRequestId,
          row.body
        )
        if (commitShas) row.commitShas = commitShas
        rows.push(row)
      }
      await context.store.upsertContributors(contributorsOf(changed))
      await context.store.upsertPullRequests(rows)
    }
    for (const pull of pulls) {
      prints[pull.pullRequestId] = fingerprint(pull)
      if (pull.status === 'active')
        oldestOpen = Math.min(oldestOpen ?? pull.pullRequestId, pull.pullRequestId)
    }
    if (pulls.length < PAGE_SIZE) break
    const settled =
      known &&
      changed.length === 0 &&
      pulls.every((pull) => pull.status !== 'active') &&
      (previous.oldestOpen === null ||
        pulls.every((pull) => pull.pullRequestId < previous.oldestOpen!))
    if (settled) {
      oldestOpen = oldestOpen ?? null
      break
    }
  }
  await context.cursors.set(scope, JSON.stringify({ prints, oldestOpen }))
}

export async function syncPullRequests(context: SyncContext) {
  const repositories = await context.store.repositories({ monitoredOnly: true })
  let done = 0
  for (const repository of repositories) {
    const webBase = `${context.connection.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(projectOf(repository))}/_git/${encodeURIComponent(repository.name)}`
    await syncRepository(context, repository, webBase)
    await context.progress(++done, repositories.length, 'repositories')
  }
}
