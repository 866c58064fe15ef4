import {
  normalisedEmail,
  type ContributorInput,
  type PullRequestInput,
  type RepositoryInput,
} from '#plugin-sdk'
import type * as GitHub from '../types.js'

/** Repositories are known by GitHub's numeric id, which survives renames and transfers. */
export function repositoryInput(repository: GitHub.Repository): RepositoryInput {
  return {
    externalId: String(repository.id),
    name: repository.name,
    fullName: repository.full_name,
    url: repository.html_url,
    cloneUrl: repository.clone_url ?? null,
    defaultBranch: repository.default_branch,
    isPrivate: repository.private,
    isArchived: repository.archived,
    language: repository.language,
    remoteUpdatedAt: repository.updated_at,
  }
}

export function contributorInput(account: GitHub.Account): ContributorInput {
  return {
    externalId: String(account.id),
    login: account.login,
    isBot: account.type === 'Bot' || account.login.endsWith('[bot]'),
  }
}

/** Everyone a batch mentions, once each. */
export function uniqueContributors(accounts: Array<GitHub.Account | null | undefined>) {
  const byId = new Map<number, ContributorInput>()
  for (const account of accounts) {
    if (account && !byId.has(account.id)) byId.set(account.id, contributorInput(account))
  }
  return [...byId.values()]
}

/**
 * The accounts a page of commits names, with the email each commit was
 * authored under: GitHub links a commit to an account only through an
 * email verified on that account, so the email is verified (the private
 * noreply relay names no mailbox and is left out). Another provider's
 * identity with the same verified email is then the same person.
 */
export function commitContributors(commits: GitHub.Commit[]) {
  const byId = new Map<number, ContributorInput>()
  for (const commit of commits) {
    const account = commit.author
    if (!account) continue
    const email = commit.commit.author?.email ?? null
    const verified = normalisedEmail(email)
    const known = byId.get(account.id)
    if (known?.emailVerified) continue
    byId.set(account.id, {
      ...contributorInput(account),
      ...(verified ? { email: verified, emailVerified: true } : {}),
    })
  }
  return [...byId.values()]
}

export type PullRequestDetails = {
  detail: GitHub.PullRequestDetail | null
  reviews: GitHub.Review[]
  commits: GitHub.Commit[]
}

function earliest(moments: Array<string | null | undefined>) {
  const present = moments.filter((moment): moment is string => Boolean(moment)).sort()
  return present[0] ?? null
}

/**
 * A pull request as the domain model keeps it. The first review is the
 * first one by someone other than the author (a self-comment is not a
 * review); the first commit dates the start of the coding phase.
 */
export function pullRequestInput(
  repositoryExternalId: string,
  pull: GitHub.PullRequest,
  details: PullRequestDetails
): PullRequestInput {
  const author = pull.user?.login ?? null
  const submitted = details.reviews.filter(
    (review) => review.submitted_at && review.state !== 'PENDING' && review.user?.login !== author
  )
  return {
    externalId: String(pull.id),
    repositoryExternalId,
    number: pull.number,
    title: pull.title,
    state: pull.merged_at ? 'merged' : pull.state,
    authorLogin: author,
    baseRef: pull.base.ref,
    headRef: pull.head.ref,
    headSha: pull.head.sha,
    draft: pull.draft ?? false,
    additions: details.detail?.additions ?? null,
    deletions: details.detail?.deletions ?? null,
    changedFiles: details.detail?.changed_files ?? null,
    commitsCount: details.detail?.commits ?? null,
    url: pull.html_url,
    openedAt: pull.created_at,
    firstCommitAt: earliest(
      details.commits.map((commit) => commit.commit.author?.date ?? commit.commit.committer?.date)
    ),
    firstReviewAt: earliest(submitted.map((review) => review.submitted_at)),
    approvedAt: earliest(
      submitted.filter((review) => review.state === 'APPROVED').map((review) => review.submitted_at)
    ),
    mergedAt: pull.merged_at,
    closedAt: pull.closed_at,
    remoteUpdatedAt: pull.updated_at,
    body: pull.body ?? null,
  }
}
