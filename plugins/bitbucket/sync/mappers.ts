import type {
  CommitInput,
  ContributorInput,
  DeploymentInput,
  PullRequestInput,
  RepositoryInput,
} from '#plugin-sdk'
import type * as Bitbucket from '../types.js'

/** how a person is named on pull requests and commits: the nickname, else the display name */
export const loginOf = (account: Bitbucket.Account) =>
  account.nickname || account.username || account.display_name

export function contributorInput(account: Bitbucket.Account): ContributorInput {
  return { externalId: account.uuid, login: loginOf(account), name: account.display_name }
}

export function uniqueContributors(accounts: Array<Bitbucket.Account | undefined | null>) {
  const byId = new Map<string, ContributorInput>()
  for (const account of accounts) {
    if (account?.uuid) byId.set(account.uuid, contributorInput(account))
  }
  return [...byId.values()]
}

/**
 * A repository's canonical identity is its HTTPS clone URL (the user
 * name Bitbucket puts in it is dropped by the platform's normalisation)
 * and its full name "workspace/slug".
 */
export function repositoryInput(repository: Bitbucket.Repository): RepositoryInput {
  const clone = repository.links.clone?.find((link) => link.name === 'https')?.href ?? null
  return {
    externalId: repository.uuid,
    name: repository.name,
    fullName: repository.full_name,
    url: repository.links.html.href,
    cloneUrl: clone,
    defaultBranch: repository.mainbranch?.name ?? null,
    isPrivate: repository.is_private,
    language: repository.language || null,
    remoteUpdatedAt: repository.updated_on,
  }
}

/** what the activity and diffstat add to a pull request, when they were read */
export type PullRequestDetails = {
  mergedAt: string | null
  closedAt: string | null
  firstReviewAt: string | null
  approvedAt: string | null
  additions: number
  deletions: number
  changedFiles: number
  /** the SHAs of every commit of the pull request, newest first as Bitbucket lists them */
  commitShas: string[]
}

const earliest = (moments: Array<string | null | undefined>) =>
  moments.filter((m): m is string => Boolean(m)).sort((a, b) => Date.parse(a) - Date.parse(b))[0] ??
  null

/** merge and close times, first review and first approval from the activity; size from the diffstat */
export function detailsFrom(
  pull: Bitbucket.PullRequest,
  activity: Bitbucket.Activity[],
  diffstat: Bitbucket.DiffStat[],
  commitShas: string[] = []
): PullRequestDetails {
  const byOthers = (account?: Bitbucket.Account) => account && account.uuid !== pull.author.uuid
  const finalUpdate = activity.find(
    (entry) =>
      entry.update && (entry.update.state === 'MERGED' || entry.update.state === 'DECLINED')
  )?.update
  const approvals = activity.filter((entry) => entry.approval && byOthers(entry.approval.user))
  return {
    mergedAt: finalUpdate?.state === 'MERGED' ? finalUpdate.date : null,
    closedAt: finalUpdate?.date ?? null,
    firstReviewAt: earliest([
      ...approvals.map((entry) => entry.approval!.date),
      ...activity
        .filter((entry) => entry.comment && byOthers(entry.comment.user))
        .map((entry) => entry.comment!.created_on),
      ...activity
        .filter((entry) => entry.changes_requested && byOthers(entry.changes_requested.user))
        .map((entry) => entry.changes_requested!.date),
    ]),
    approvedAt: earliest(approvals.map((entry) => entry.approval!.date)),
    additions: diffstat.reduce((sum, file) => sum + (file.lines_added ?? 0), 0),
    deletions: diffstat.reduce((sum, file) => sum + (file.lines_removed ?? 0), 0),
    changedFiles: diffstat.length,
    commitShas,
  }
}

/**
 * Without the activity (a pull request older than the detail window),
 * the participants give the review times: a reviewer's
 * `participated_on` is their latest participation, so these are upper
 * bounds; a merged or declined one's last update is when it closed.
 */
function fromParticipants(pull: Bitbucket.PullRequest) {
  const others = (pull.participants ?? []).filter((p) => p.user.uuid !== pull.author.uuid)
  const closed = pull.state === 'MERGED' || pull.state === 'DECLINED' ? pull.updated_on : null
  return {
    mergedAt: pull.state === 'MERGED' ? pull.updated_on : null,
    closedAt: closed,
    firstReviewAt: earliest(others.map((p) => (p.approved || p.state ? p.participated_on : null))),
    approvedAt: earliest(others.filter((p) => p.approved).map((p) => p.participated_on)),
  }
}

const STATES: Record<Bitbucket.PullRequestState, PullRequestInput['state']> = {
  OPEN: 'open',
  MERGED: 'merged',
  DECLINED: 'closed',
  SUPERSEDED: 'closed',
}

/**
 * The pull request's description, for the core's AI marker (its
 * `summary.raw`, else `description`); undefined when the answer carries
 * neither field, so a stored marker is kept rather than cleared.
 */
export function descriptionOf(pull: Bitbucket.PullRequest): string | null | undefined {
  if (pull.summary === undefined && pull.description === undefined) return undefined
  return pull.summary?.raw || pull.description || null
}

export function pullRequestInput(
  repositoryExternalId: string,
  pull: Bitbucket.PullRequest,
  details: PullRequestDetails | null
): PullRequestInput {
  const times = details ?? fromParticipants(pull)
  return {
    externalId: `${repositoryExternalId}:${pull.id}`,
    repositoryExternalId,
    number: pull.id,
    title: pull.title,
    state: STATES[pull.state] ?? 'open',
    authorLogin: loginOf(pull.author),
    baseRef: pull.destination.branch.name,
    headRef: pull.source.branch.name,
    headSha: pull.source.commit?.hash ?? null,
    draft: pull.draft ?? false,
    additions: details?.additions ?? null,
    deletions: details?.deletions ?? null,
    changedFiles: details?.changedFiles ?? null,
    // read with the details: the AI-code policy reads their AI marks
    ...(details
      ? {
          commitShas: details.commitShas,
          commitsCount: details.commitShas.length,
        }
      : {}),
    url: pull.links.html.href,
    openedAt: pull.created_on,
    firstReviewAt: times.firstReviewAt,
    approvedAt: times.approvedAt,
    mergedAt: times.mergedAt,
    closedAt: times.closedAt,
    remoteUpdatedAt: pull.updated_on,
    ...(descriptionOf(pull) !== undefined ? { body: descriptionOf(pull) } : {}),
  }
}

/** a Pipelines run as a CI build of the commit it ran on */
export function pipelineInput(
  repositoryExternalId: string,
  pipeline: Bitbucket.Pipeline,
  htmlUrl: string
): DeploymentInput {
  const result = pipeline.state.result?.name
  let status: DeploymentInput['status'] = 'in_progress'
  if (pipeline.state.name === 'COMPLETED') {
    if (result === 'SUCCESSFUL') status = 'success'
    else if (result === 'STOPPED') status = 'cancelled'
    else status = 'failure'
  }
  return {
    externalId: `pipeline:${pipeline.uuid}`,
    repositoryExternalId,
    kind: 'build',
    environment: pipeline.target?.ref_name ?? null,
    status,
    sha: pipeline.target?.commit?.hash ?? null,
    startedAt: pipeline.created_on,
    finishedAt: pipeline.completed_on ?? null,
    url: `${htmlUrl}/pipelines/results/${pipeline.build_number}`,
  }
}

/** "Name <email>" as Bitbucket gives a commit's author */
export function parseRawAuthor(raw: string) {
  const match = /^(.*?)\s*<([^>]*)>\s*$/.exec(raw)
  return match
    ? { name: match[1] || null, email: match[2] || null }
    : { name: raw || null, email: null }
}

/**
 * A commit as the store takes it: the store parses trailers and AI marks
 * from the message; its parents give lead time for changes its ancestry
 * (each production deployment's SHA walked back through them).
 */
export function commitInput(repositoryExternalId: string, commit: Bitbucket.Commit): CommitInput {
  const author = parseRawAuthor(commit.author.raw)
  return {
    repositoryExternalId,
    sha: commit.hash,
    message: commit.message,
    authorLogin: commit.author.user ? loginOf(commit.author.user) : null,
    authorName: author.name,
    authorEmail: author.email,
    authoredAt: commit.date,
    committedAt: commit.date,
    parentShas: commit.parents ? commit.parents.map((parent) => parent.hash) : null,
  }
}
