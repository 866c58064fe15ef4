import type { ConnectionHandle } from '#plugin-sdk/types'

/**
 * Status checks, provider-neutral: "post this status on this pull
 * request's head commit". GitHub implements it with check runs, Azure
 * DevOps with pull request statuses, Bitbucket with commit build
 * statuses. Core features (the AI-code policy, for one) post through it
 * without knowing which provider hosts the repository.
 */
export type StatusCheckState = 'pending' | 'success' | 'failure' | 'error'

export type StatusCheckTarget = {
  /** the repository as the provider knows it (its external id) */
  repositoryExternalId: string
  /** "owner/name" (GitHub), "project/repo" (Azure DevOps), "workspace/slug" (Bitbucket) */
  repositoryFullName: string
  /** the pull request's external id and its number as users see it */
  pullRequestExternalId: string
  pullRequestNumber: number
  /** the commit the status is attached to */
  headSha: string
  /**
   * What `post` returned for this report key on this head commit before,
   * when it did: update that status instead of adding another. Absent on
   * the first post, and after a new commit (a new head gets a new status).
   */
  existing?: PostedStatusCheck
}

export type StatusCheckReport = {
  /**
   * A stable key, so re-posting updates the same status instead of adding
   * another ("sextant/ai-policy"): GitHub's check-run name, Azure DevOps'
   * genre/name, Bitbucket's build status key.
   */
  key: string
  /** what users see as the check's name ("Sextant: AI code policy") */
  name: string
  state: StatusCheckState
  /** one line ("Within policy", "2 findings") */
  title: string
  /** Markdown; providers that show only one line get the title */
  summary?: string
  /** where "Details" leads (a Sextant page) */
  detailsUrl?: string
}

export type PostedStatusCheck = {
  /** the provider's id for the posted status (a check run id), when it has one */
  externalId?: string
  /** a link to the status on the provider, when it has one */
  url?: string
}

export type PluginStatusChecks = {
  /**
   * Posts (or updates, by report.key) a status on the target's head
   * commit through the connection that hosts the repository. Throws on
   * failure; the caller records and retries.
   */
  post(
    connection: ConnectionHandle,
    target: StatusCheckTarget,
    report: StatusCheckReport
  ): Promise<PostedStatusCheck>
  /**
   * Why this connection cannot post statuses (a GitHub personal access
   * token: only an App may), or null when it can. The core then answers
   * "unsupported" instead of posting and retrying a post bound to fail.
   */
  unsupportedReason?(connection: ConnectionHandle): string | null
}

/**
 * What the core's "post a status check" answers (it never throws):
 * posted; failed (recorded, and retried by a queued job); or unsupported
 * (the provider hosting the repository has no status checks, or no
 * connection hosts it any more).
 */
export type StatusCheckOutcome =
  | { outcome: 'posted'; externalId: string | null; url: string | null }
  | { outcome: 'failed'; error: string; retrying: boolean }
  | { outcome: 'unsupported'; reason: string }

/**
 * The core capability as plugin code reaches it (WebhookContext
 * `statusChecks`): posts on one of the organisation's pull requests,
 * named by this provider's external id, through whichever connection
 * hosts its repository, and records the outcome.
 */
export interface CoreStatusChecks {
  post(pullRequestExternalId: string, report: StatusCheckReport): Promise<StatusCheckOutcome>
}
