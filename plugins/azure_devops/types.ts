/**
 * The parts of Azure DevOps REST answers the plugin reads (api-version
 * 7.1). Lists come as `{ count, value }`.
 */
export namespace Azure {
  export type List<T> = { count: number; value: T[] }

  export type Identity = { id: string; displayName?: string; uniqueName?: string }

  export type Repository = {
    id: string
    name: string
    project: { id: string; name: string }
    defaultBranch?: string
    remoteUrl?: string
    webUrl?: string
    isDisabled?: boolean
  }

  export type PullRequest = {
    pullRequestId: number
    status: 'active' | 'completed' | 'abandoned' | 'notSet' | 'all'
    title: string
    createdBy?: Identity
    creationDate: string
    closedDate?: string
    sourceRefName?: string
    targetRefName?: string
    isDraft?: boolean
    lastMergeSourceCommit?: { commitId: string }
    lastMergeCommit?: { commitId: string }
    reviewers?: Array<Identity & { vote?: number }>
    /**
     * Absent when none was written. Get Pull Requests (the list) cuts it
     * at 400 characters; Get Pull Request By Id gives it whole.
     */
    description?: string
  }

  export type Build = {
    id: number
    buildNumber?: string
    status: string
    result?: string
    queueTime?: string
    startTime?: string
    finishTime?: string
    sourceBranch?: string
    sourceVersion?: string
    repository?: { id: string; type: string }
    definition?: { id: number; name: string }
    _links?: { web?: { href: string } }
  }

  export type Deployment = {
    id: number
    deploymentStatus: string
    queuedOn?: string
    startedOn?: string
    completedOn?: string
    releaseEnvironment?: { id: number; name: string }
    release?: {
      id: number
      name?: string
      artifacts?: Array<{
        type: string
        definitionReference?: Record<string, { id: string; name?: string }>
      }>
    }
  }

  /** GitPullRequestCommentThread: a comment thread, or a system thread (a vote: VoteUpdate) */
  export type Thread = {
    id: number
    publishedDate?: string
    isDeleted?: boolean
    properties?: Record<string, { $type?: string; $value?: string } | undefined>
    identities?: Record<string, Identity>
    comments?: Array<{
      id: number
      author?: Identity
      commentType?: 'text' | 'system' | 'codeChange' | 'unknown'
      publishedDate?: string
      isDeleted?: boolean
    }>
  }

  /** WorkItemUpdate: one revision's changed fields */
  export type WorkItemUpdate = {
    id: number
    rev: number
    revisedDate?: string
    fields?: Record<string, { oldValue?: unknown; newValue?: unknown } | undefined>
  }

  export type ResourceArea = { id: string; name: string; locationUrl: string }
}
