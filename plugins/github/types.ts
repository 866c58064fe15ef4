/**
 * The fields Sextant reads from GitHub's REST answers (a small part of
 * each object; see docs.github.com/rest). Webhook payloads are typed by
 * @octokit/webhooks-types.
 */
export type Account = { login: string; id: number; type: 'User' | 'Organization' | 'Bot' | string }

/** a team as GET /orgs/{org}/teams lists it (the fields Sextant reads) */
export type Team = {
  id: number
  name: string
  slug: string
  description: string | null
  parent: { id: number; slug: string } | null
}

export type Repository = {
  id: number
  name: string
  full_name: string
  private: boolean
  html_url: string
  /** absent from some webhook payloads' abridged repositories */
  clone_url?: string
  default_branch: string
  archived: boolean
  language: string | null
  updated_at: string
  pushed_at: string | null
  owner: Account
}

export type InstallationRepositories = {
  total_count: number
  repository_selection: 'all' | 'selected'
  repositories: Repository[]
}

export type Branch = { name: string; commit: { sha: string } }

export type PullRequest = {
  id: number
  number: number
  state: 'open' | 'closed'
  title: string
  user: Account | null
  draft?: boolean
  created_at: string
  updated_at: string
  closed_at: string | null
  merged_at: string | null
  html_url: string
  head: { ref: string; sha: string }
  base: { ref: string }
  /** the description (Markdown); null when empty */
  body?: string | null
}

export type PullRequestDetail = PullRequest & {
  additions: number
  deletions: number
  changed_files: number
  commits: number
}

export type Review = {
  id: number
  user: Account | null
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING' | string
  submitted_at: string | null
}

export type Commit = {
  sha: string
  html_url: string
  commit: {
    message: string
    author: { name: string; email: string; date: string } | null
    committer: { name: string; email: string; date: string } | null
  }
  author: Account | null
  /** the account that committed it (GitHub's web-flow for a merge made on the site) */
  committer?: Account | null
  /** absent in a push delivery's commits */
  parents?: { sha: string }[]
}

/** GET /repos/{owner}/{repo}/commits/{sha}: the commit with its files' patches */
export type CommitDetail = Commit & {
  files?: Array<{ filename: string; status: string; patch?: string }>
}

export type PullRequestFile = {
  filename: string
  status: string
  additions: number
  deletions: number
  changes: number
}

export type Release = {
  id: number
  tag_name: string
  name: string | null
  draft: boolean
  prerelease: boolean
  created_at: string
  published_at: string | null
  html_url: string
  target_commitish: string
}

export type Deployment = {
  id: number
  sha: string
  ref: string
  environment: string
  created_at: string
  updated_at: string
}

export type DeploymentStatus = {
  id: number
  state: 'success' | 'failure' | 'error' | 'in_progress' | 'queued' | 'pending' | 'inactive'
  created_at: string
}

export type WorkflowRun = {
  id: number
  name: string | null
  head_branch: string | null
  head_sha: string
  event: string
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending' | string
  conclusion:
    | 'success'
    | 'failure'
    | 'cancelled'
    | 'skipped'
    | 'timed_out'
    | 'neutral'
    | 'action_required'
    | 'stale'
    | null
  created_at: string
  updated_at: string
  run_started_at?: string
  html_url: string
}

export type WorkflowRuns = { total_count: number; workflow_runs: WorkflowRun[] }

export type CheckRunWrite = {
  status?: 'queued' | 'in_progress' | 'completed'
  conclusion?: 'success' | 'failure' | 'neutral' | 'action_required'
  started_at?: string
  completed_at?: string
  external_id?: string
  details_url?: string
  output?: { title: string; summary: string; text?: string }
}

export type CheckRun = {
  id: number
  head_sha: string
  status: string
  conclusion: string | null
  html_url: string
}

/** git data API: GET /repos/{owner}/{repo}/git/ref/{ref} */
export type GitReference = {
  ref: string
  node_id?: string
  url?: string
  object: { type: string; sha: string; url?: string }
}

/** git data API: GET /repos/{owner}/{repo}/git/commits/{sha} */
export type GitCommit = {
  sha: string
  tree: { sha: string; url?: string }
  parents: Array<{ sha: string; url?: string }>
  message: string
}

/** git data API: GET /repos/{owner}/{repo}/git/trees/{sha}?recursive=1 */
export type GitTree = {
  sha: string
  truncated: boolean
  tree: Array<{
    path: string
    mode: string
    type: 'blob' | 'tree' | 'commit'
    sha: string
    size?: number
  }>
}

/** git data API: GET /repos/{owner}/{repo}/git/blobs/{sha} */
export type GitBlob = { sha: string; size: number; encoding: 'base64' | 'utf-8'; content: string }
