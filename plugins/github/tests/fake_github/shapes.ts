import { accountFor, iso, nodeId, sha1 } from './state.js'
import type {
  FakeAccount,
  FakeCommit,
  FakeGitHubState,
  FakeInstallation,
  FakePullRequest,
  FakeRepository,
} from './state.js'
import type { GeneratedFile, GeneratedReview } from './generate.js'

/**
 * JSON payloads in the shapes GitHub documents for REST API v3
 * (2022-11-28). `base` is this server's origin: it stands for both
 * api.github.com (…/repos/…) and github.com (html_url).
 */
export const APP_PERMISSIONS = {
  actions: 'read',
  checks: 'write',
  contents: 'read',
  deployments: 'read',
  metadata: 'read',
  pull_requests: 'read',
}

export const APP_EVENTS = [
  'check_run',
  'deployment_status',
  'pull_request',
  'push',
  'release',
  'workflow_run',
]

export function userShape(base: string, account: FakeAccount | string) {
  const user = typeof account === 'string' ? accountFor(account) : account
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(
      user.type === 'Organization' ? 'O' : user.type === 'Bot' ? 'BOT' : 'U',
      user.id
    ),
    avatar_url: `${base}/avatars/u/${user.id}?v=4`,
    gravatar_id: '',
    url: `${base}/users/${encodeURIComponent(user.login)}`,
    html_url: `${base}/${user.login}`,
    repos_url: `${base}/users/${encodeURIComponent(user.login)}/repos`,
    type: user.type,
    user_view_type: 'public',
    site_admin: false,
  }
}

export function appShape(base: string, state: FakeGitHubState) {
  const owner = accountFor('sextant-dev', 'Organization')
  return {
    id: state.app.id,
    slug: state.app.slug,
    node_id: nodeId('A', state.app.id),
    client_id: state.app.clientId,
    owner: userShape(base, owner),
    name: state.app.name,
    description: 'Engineering intelligence',
    external_url: 'https://sextant.example',
    html_url: `${base}/apps/${state.app.slug}`,
    created_at: '2025-06-01T09:00:00Z',
    updated_at: '2025-06-01T09:00:00Z',
    permissions: APP_PERMISSIONS,
    events: APP_EVENTS,
    installations_count: state.installations.size,
  }
}

export function installationShape(
  base: string,
  state: FakeGitHubState,
  installation: FakeInstallation
) {
  const { account } = installation
  const organization = account.type === 'Organization'
  return {
    id: installation.id,
    client_id: state.app.clientId,
    account: userShape(base, account),
    repository_selection: installation.repositorySelection,
    access_tokens_url: `${base}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${base}/installation/repositories`,
    html_url: organization
      ? `${base}/organizations/${account.login}/settings/installations/${installation.id}`
      : `${base}/settings/installations/${installation.id}`,
    app_id: state.app.id,
    app_slug: state.app.slug,
    target_id: account.id,
    target_type: account.type,
    permissions: APP_PERMISSIONS,
    events: APP_EVENTS,
    created_at: iso(installation.createdAt),
    updated_at: iso(installation.updatedAt),
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: installation.suspendedAt === null ? null : userShape(base, account),
    suspended_at: iso(installation.suspendedAt),
  }
}

export function repositoryShape(base: string, repository: FakeRepository) {
  const api = `${base}/repos/${repository.fullName}`
  return {
    id: repository.id,
    node_id: nodeId('R', repository.id),
    name: repository.name,
    full_name: repository.fullName,
    private: repository.private,
    owner: userShape(base, repository.owner),
    html_url: `${base}/${repository.fullName}`,
    description: repository.description,
    fork: false,
    url: api,
    pulls_url: `${api}/pulls{/number}`,
    commits_url: `${api}/commits{/sha}`,
    git_url: `git://${new URL(base).host}/${repository.fullName}.git`,
    clone_url: `${base}/${repository.fullName}.git`,
    created_at: iso(repository.createdAt),
    updated_at: iso(repository.updatedAt),
    pushed_at: iso(repository.pushedAt),
    size: 100 + Object.keys(repository.files).length,
    stargazers_count: 0,
    watchers_count: 0,
    forks_count: 0,
    open_issues_count: repository.pullRequests.filter((pull) => pull.state === 'open').length,
    language: repository.language,
    has_issues: true,
    archived: false,
    disabled: false,
    visibility: repository.private ? 'private' : 'public',
    topics: [],
    default_branch: repository.defaultBranch,
  }
}

export function pullRequestShape(
  base: string,
  repository: FakeRepository,
  pull: FakePullRequest,
  detail: boolean
) {
  const api = `${base}/repos/${repository.fullName}/pulls/${pull.number}`
  const repo = repositoryShape(base, repository)
  const listShape = {
    url: api,
    id: pull.id,
    node_id: nodeId('PR', pull.id),
    html_url: `${base}/${repository.fullName}/pull/${pull.number}`,
    diff_url: `${base}/${repository.fullName}/pull/${pull.number}.diff`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: userShape(base, pull.authorLogin),
    body: pull.body,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: iso(pull.createdAt),
    updated_at: iso(pull.updatedAt),
    closed_at: iso(pull.closedAt),
    merged_at: iso(pull.mergedAt),
    merge_commit_sha: pull.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: pull.requestedReviewers.map((login) => userShape(base, login)),
    requested_teams: [],
    draft: pull.draft,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    statuses_url: `${base}/repos/${repository.fullName}/statuses/${pull.headSha}`,
    head: {
      label: `${repository.owner.login}:${pull.headRef}`,
      ref: pull.headRef,
      sha: pull.headSha,
      user: userShape(base, repository.owner),
      repo,
    },
    base: {
      label: `${repository.owner.login}:${pull.baseRef}`,
      ref: pull.baseRef,
      sha: pull.baseSha,
      user: userShape(base, repository.owner),
      repo,
    },
    author_association: 'MEMBER',
    auto_merge: null,
  }
  if (!detail) return listShape
  return {
    ...listShape,
    merged: pull.merged,
    mergeable: pull.state === 'open' ? true : null,
    rebaseable: pull.state === 'open' ? true : null,
    mergeable_state: pull.state === 'open' ? 'clean' : 'unknown',
    merged_by: pull.merged ? userShape(base, 'octocat') : null,
    comments: pull.comments,
    review_comments: pull.reviewComments,
    maintainer_can_modify: false,
    commits: pull.commits,
    additions: pull.additions,
    deletions: pull.deletions,
    changed_files: pull.changedFiles,
  }
}

export function commitShape(base: string, repository: FakeRepository, commit: FakeCommit) {
  const person = { name: commit.authorName, email: commit.authorEmail, date: iso(commit.date) }
  const account = commit.authorLogin === null ? null : userShape(base, commit.authorLogin)
  return {
    sha: commit.sha,
    node_id: nodeId('C', commit.sha.slice(0, 12)),
    commit: {
      author: person,
      committer: {
        name: commit.committer?.name ?? 'GitHub',
        email: commit.committer?.email ?? 'noreply@github.com',
        date: iso(commit.date),
      },
      message: commit.message,
      tree: {
        sha: sha1(`tree:${commit.sha}`),
        url: `${base}/repos/${repository.fullName}/git/trees/${sha1(`tree:${commit.sha}`)}`,
      },
      url: `${base}/repos/${repository.fullName}/git/commits/${commit.sha}`,
      comment_count: 0,
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
        verified_at: null,
      },
    },
    url: `${base}/repos/${repository.fullName}/commits/${commit.sha}`,
    html_url: `${base}/${repository.fullName}/commit/${commit.sha}`,
    comments_url: `${base}/repos/${repository.fullName}/commits/${commit.sha}/comments`,
    author: account,
    committer: !commit.committer
      ? userShape(base, accountFor('web-flow'))
      : commit.committer.login === null
        ? null
        : userShape(base, commit.committer.login),
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${base}/repos/${repository.fullName}/commits/${sha}`,
      html_url: `${base}/${repository.fullName}/commit/${sha}`,
    })),
  }
}

/**
 * GET /repos/{owner}/{repo}/commits/{sha}: the commit with its stats and
 * files, each with its unified diff (`patch`). A commit seeded without
 * files adds one generated file of ten lines.
 */
export function commitDetailShape(base: string, repository: FakeRepository, commit: FakeCommit) {
  const files = commit.files ?? [
    {
      filename: `src/${commit.sha.slice(0, 8)}.ts`,
      status: 'added' as const,
      patch: ['@@ -0,0 +1,10 @@', ...Array.from({ length: 10 }, (_, i) => `+line ${i + 1}`)].join(
        '\n'
      ),
    },
  ]
  const counted = files.map((file) => {
    const lines = file.patch.split('\n')
    const additions = lines.filter((line) => line.startsWith('+')).length
    const deletions = lines.filter((line) => line.startsWith('-')).length
    return {
      sha: sha1(`blob:${commit.sha}:${file.filename}`),
      filename: file.filename,
      status: file.status,
      additions,
      deletions,
      changes: additions + deletions,
      blob_url: `${base}/${repository.fullName}/blob/${commit.sha}/${file.filename}`,
      raw_url: `${base}/${repository.fullName}/raw/${commit.sha}/${file.filename}`,
      contents_url: `${base}/repos/${repository.fullName}/contents/${file.filename}?ref=${commit.sha}`,
      patch: file.patch,
    }
  })
  const additions = counted.reduce((sum, file) => sum + file.additions, 0)
  const deletions = counted.reduce((sum, file) => sum + file.deletions, 0)
  return {
    ...commitShape(base, repository, commit),
    stats: { total: additions + deletions, additions, deletions },
    files: counted,
  }
}

export function reviewShape(
  base: string,
  repository: FakeRepository,
  pull: FakePullRequest,
  review: GeneratedReview
) {
  const html = `${base}/${repository.fullName}/pull/${pull.number}#pullrequestreview-${review.id}`
  return {
    id: review.id,
    node_id: nodeId('PRR', review.id),
    user: userShape(base, review.login),
    body: review.body,
    state: review.state,
    html_url: html,
    pull_request_url: `${base}/repos/${repository.fullName}/pulls/${pull.number}`,
    author_association: 'MEMBER',
    submitted_at: iso(review.submittedAt),
    commit_id: review.commitId,
  }
}

export function fileShape(base: string, repository: FakeRepository, file: GeneratedFile) {
  return {
    sha: file.sha,
    filename: file.filename,
    status: file.status,
    additions: file.additions,
    deletions: file.deletions,
    changes: file.additions + file.deletions,
    blob_url: `${base}/${repository.fullName}/blob/${file.sha}/${file.filename}`,
    raw_url: `${base}/${repository.fullName}/raw/${file.sha}/${file.filename}`,
    contents_url: `${base}/repos/${repository.fullName}/contents/${file.filename}?ref=${file.sha}`,
    patch: `@@ -1,${file.deletions} +1,${file.additions} @@`,
  }
}
