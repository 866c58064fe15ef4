/**
 * The rows a plugin writes into the shared domain model. Every row names
 * itself by the provider's own id (externalId); rows that belong to a
 * repository name it by the repository's externalId. The store adds the
 * organisation, provider and connection, so a plugin cannot write into
 * another organisation's data.
 */

import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { IdentityLink, RepositoryRef } from '#plugin-sdk/identity'

type Moment = Date | string | null | undefined

export type RepositoryInput = {
  externalId: string
  name: string
  fullName: string
  url?: string | null
  /** the clone URL; with `url`, gives the canonical key other providers' references resolve to */
  cloneUrl?: string | null
  defaultBranch?: string | null
  isPrivate?: boolean
  isArchived?: boolean
  language?: string | null
  remoteUpdatedAt?: Moment
}

export type ContributorInput = {
  externalId: string
  login: string
  name?: string | null
  email?: string | null
  /** the provider verified the email: identities sharing a verified email are one person */
  emailVerified?: boolean
  /** the same person's accounts on other providers, when the provider says so */
  links?: IdentityLink[]
  isBot?: boolean
}

/**
 * A team (or group) of people as the provider organises them: GitHub
 * teams, Azure DevOps teams, Jira or Bitbucket groups. Members name the
 * contributors the provider knows them as (`ContributorInput.externalId`,
 * written with upsertContributors first); each becomes a Sextant team of
 * those contributors' people, updated by the next import.
 */
export type TeamInput = {
  externalId: string
  name: string
  memberExternalIds: string[]
}

export type PullRequestInput = {
  externalId: string
  repositoryExternalId: string
  number: number
  title: string
  state: 'open' | 'closed' | 'merged'
  authorLogin?: string | null
  baseRef?: string | null
  headRef?: string | null
  headSha?: string | null
  draft?: boolean
  additions?: number | null
  deletions?: number | null
  changedFiles?: number | null
  commitsCount?: number | null
  url?: string | null
  openedAt: Date | string
  firstCommitAt?: Moment
  firstReviewAt?: Moment
  /**
   * When it last left draft (GitHub's ready_for_review): time to first
   * review starts there. A write that does not know it (null or absent)
   * keeps the value stored before.
   */
  readyForReviewAt?: Moment
  approvedAt?: Moment
  mergedAt?: Moment
  closedAt?: Moment
  remoteUpdatedAt?: Moment
  /**
   * the SHAs of the pull request's commits, when the code host listed
   * them: the core's AI-code policy reads their AI marks from the commits
   * the plugin stored (upsertCommits)
   */
  commitShas?: string[]
  /**
   * The pull request's description. The core keeps only the line of an
   * AI agent's marker in it ("🤖 Generated with [Claude Code]…",
   * docs/ai_code.md), whose commits' added lines become built-in signals;
   * absent keeps what was stored, null or a body without one clears it.
   */
  body?: string | null
}

export type CommitInput = {
  /** defaults to "<repositoryExternalId>:<sha>" */
  externalId?: string
  repositoryExternalId: string
  sha: string
  /** the full message: the store parses its trailers and AI-assistance marks */
  message: string
  authorLogin?: string | null
  authorName?: string | null
  authorEmail?: string | null
  authoredAt?: Moment
  committedAt?: Moment
  additions?: number | null
  deletions?: number | null
  /**
   * The SHAs of its parents, as the code host lists them (GitHub's
   * `parents[].sha`): lead time for changes walks them from each
   * production deployment's SHA. Absent or null keeps what was stored.
   */
  parentShas?: string[] | null
  /**
   * Who committed it, when the code host says (GitHub's `committer.login`
   * and `commit.committer`): a coding agent's own identity here is a
   * built-in signal ("committed by …"). Absent or null keeps what was
   * stored.
   */
  committerLogin?: string | null
  committerName?: string | null
  committerEmail?: string | null
  /**
   * The lines the commit added, per file, in the new file's numbering
   * (`addedLineRanges` reads them from a unified diff's patch): a commit
   * with a built-in signal (`carriesAiSignal`, or a pull request marker)
   * gets them as AI facts of the weakest source. Absent or null keeps
   * what was stored.
   */
  addedLines?: Array<{ path: string; ranges: Array<[number, number]> }> | null
}

export type IssueInput = {
  externalId: string
  repositoryExternalId?: string | null
  /**
   * The repository on any provider in the organisation (by URL, full name
   * or `{ provider, externalId }`); one that matches none is kept for an
   * admin to map, the row written without a repository meanwhile.
   */
  repository?: RepositoryRef | null
  key: string
  projectKey?: string | null
  title: string
  type?: 'bug' | 'story' | 'task' | 'epic' | 'incident' | string
  status: string
  statusCategory: 'todo' | 'in_progress' | 'done'
  priority?: string | null
  assigneeLogin?: string | null
  reporterLogin?: string | null
  url?: string | null
  openedAt: Date | string
  resolvedAt?: Moment
  remoteUpdatedAt?: Moment
  labels?: string[] | null
  components?: string[] | null
  fixVersions?: string[] | null
  /** the sprint it is in: the active one, else the latest */
  sprint?: string | null
  /** the issue it sits under (a sub-task's parent, or its epic) */
  parentKey?: string | null
  epicKey?: string | null
  storyPoints?: number | null
  /**
   * The issue's whole status history, oldest first (Jira's changelog).
   * Given, it replaces what was stored; left out, the stored history is
   * kept.
   */
  transitions?: IssueTransitionInput[]
}

/**
 * A sprint of an agile board (Jira Software): issues name it by
 * `IssueInput.sprint`.
 */
export type SprintInput = {
  externalId: string
  name: string
  state: 'future' | 'active' | 'closed'
  goal?: string | null
  boardExternalId?: string | null
  boardName?: string | null
  startAt?: Moment
  endAt?: Moment
  /** when it was completed (closed) */
  completedAt?: Moment
}

/** one change of an issue's status */
export type IssueTransitionInput = {
  at: Date | string
  from?: string | null
  to: string
  /** the category of the status reached, when the provider says */
  toCategory?: 'todo' | 'in_progress' | 'done' | null
}

export type VulnerabilityInput = {
  externalId: string
  repositoryExternalId?: string | null
  /**
   * The repository on any provider in the organisation (by URL, full name
   * or `{ provider, externalId }`); one that matches none is kept for an
   * admin to map, the row written without a repository meanwhile.
   */
  repository?: RepositoryRef | null
  title: string
  severity: 'critical' | 'high' | 'medium' | 'low'
  /** CVE, GHSA or the provider's own id */
  identifier?: string | null
  packageName?: string | null
  status: 'open' | 'fixed' | 'ignored'
  url?: string | null
  introducedAt: Date | string
  fixedAt?: Moment
  remoteUpdatedAt?: Moment
  /** a known exploit's maturity as the provider names it ("Proof of Concept", "Mature"); null or absent: none known */
  exploitMaturity?: string | null
  /** whether an upgrade or patch fixes it; null or absent: the provider does not say */
  fixAvailable?: boolean | null
}

export type DeploymentInput = {
  externalId: string
  repositoryExternalId?: string | null
  /**
   * The repository on any provider in the organisation (by URL, full name
   * or `{ provider, externalId }`); one that matches none is kept for an
   * admin to map, the row written without a repository meanwhile.
   */
  repository?: RepositoryRef | null
  /** a deployment to an environment, a CI build (workflow run), or a published release */
  kind?: 'deployment' | 'build' | 'release'
  environment?: string | null
  status: 'success' | 'failure' | 'in_progress' | 'cancelled'
  sha?: string | null
  causedFailure?: boolean
  startedAt: Date | string
  finishedAt?: Moment
  restoredAt?: Moment
  url?: string | null
}

export type StoredRepository = {
  publicId: string
  externalId: string
  name: string
  fullName: string
  defaultBranch: string | null
  monitored: boolean
  lastCommitSha: string | null
  isArchived: boolean
  snapshotAt: Date | null
}

export type SnapshotOptions = {
  /** the commit the archive holds; recorded on the repository once it is unpacked */
  sha: string
  /** what the provider serves: 'tar.gz' (default; GitHub, Bitbucket) or 'zip' (Azure DevOps) */
  format?: 'tar.gz' | 'zip'
  /** leading path segments to drop (GitHub and Bitbucket wrap everything in one folder) */
  stripComponents?: number
  limits?: {
    maxTotalBytes?: number
    maxFileBytes?: number
    maxEntries?: number
    /** zip: how many times a file (past 1 MiB) may expand, default 100 */
    maxCompressionRatio?: number
  }
  signal?: AbortSignal
  onProgress?: (progress: { files: number; bytes: number }) => void
}

export type SnapshotReport = {
  sha: string
  files: number
  bytes: number
  /** entries not written (links, unsafe paths), the first 100 of them */
  skipped: Array<{ path: string; reason: string }>
  skippedCount: number
}

/**
 * A Git AI authorship note (refs/notes/ai, Git AI Standard v3) as the
 * code host served it: the commit it annotates and the note's text. The
 * core parses it; prompt transcripts are never stored.
 */
export type GitAiNoteInput = { commitSha: string; text: string }

/**
 * Batched upserts into the domain model, fenced to one organisation,
 * provider and connection. Each method returns the number of rows written.
 */
export interface DomainStore {
  upsertRepositories(rows: RepositoryInput[]): Promise<number>
  upsertContributors(rows: ContributorInput[]): Promise<number>
  upsertPullRequests(rows: PullRequestInput[]): Promise<number>
  upsertCommits(rows: CommitInput[]): Promise<number>
  upsertIssues(rows: IssueInput[]): Promise<number>
  upsertSprints(rows: SprintInput[]): Promise<number>
  /**
   * The provider's teams with their members, as Sextant teams (Settings →
   * Teams): one team per provider team, found again by its externalId;
   * its imported members become exactly the people of the contributors
   * named (people an admin added by hand stay). Teams the provider no
   * longer lists are kept. Returns the teams written.
   */
  upsertTeams(rows: TeamInput[]): Promise<number>
  /**
   * Removes issues the provider deleted, with their status histories and
   * links to pull requests; ids not stored are skipped, so deleting twice
   * is harmless. Given a webhook delivery's transaction
   * (`WebhookContext.transaction()`), the removal commits together with
   * the delivery's "processed" mark: it happens exactly once.
   *
   * Each id keeps a tombstone with the moment of the deletion
   * (`deletedAt`, the provider's own stamp; now by default): a later
   * upsertIssues of that issue is ignored unless its remoteUpdatedAt is
   * after the deletion (the issue was restored), which lifts the tombstone.
   */
  deleteIssues(
    externalIds: string[],
    options?: { transaction?: TransactionClientContract; deletedAt?: Date | string | null }
  ): Promise<number>
  upsertVulnerabilities(rows: VulnerabilityInput[]): Promise<number>
  upsertDeployments(rows: DeploymentInput[]): Promise<number>
  /**
   * Git AI authorship notes of one repository's commits: each noted
   * commit's AI-code facts are replaced; a note that is not a v3
   * authorship log is skipped. Returns the notes stored.
   */
  upsertGitAiNotes(repositoryExternalId: string, notes: GitAiNoteInput[]): Promise<number>
  /** the repositories this connection reaches */
  repositories(options?: { monitoredOnly?: boolean }): Promise<StoredRepository[]>
  /** one of them by its provider id; null when this connection does not reach it */
  repository(externalId: string): Promise<StoredRepository | null>
  /** choose which repositories Sextant monitors (the others are kept, unmonitored) */
  setMonitored(externalIds: string[], monitored: boolean): Promise<number>
  /** record the commit a repository snapshot was taken at */
  setLastCommitSha(repositoryExternalId: string, sha: string): Promise<void>
  /**
   * The repository is no longer reachable through this connection (removed
   * from the installation): it and its history stay, unmonitored and
   * detached, so syncs skip it.
   */
  detachRepositories(externalIds: string[]): Promise<number>
  /**
   * Streams an archive of the repository (.tar.gz, or zip when
   * `format: 'zip'`) into its snapshot folder (one per organisation and
   * repository, only the latest kept) and records the commit. Unsafe
   * entries (paths leaving the folder, links, devices) are skipped; size,
   * entry-count and (zip) compression-ratio limits stop oversize archives
   * and zip bombs without touching the previous snapshot.
   */
  replaceRepositorySnapshot(
    repositoryExternalId: string,
    archive: NodeJS.ReadableStream | AsyncIterable<Buffer>,
    options: SnapshotOptions
  ): Promise<SnapshotReport>
}
