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
}
