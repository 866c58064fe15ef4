import type { HttpClient, HttpDownload, HttpResponse } from '#plugin-sdk'
import type * as GitHub from './types.js'

/**
 * The slice of GitHub's REST API that Sextant reads and writes, over the
 * platform's HTTP client (conditional requests, retries, rate limits,
 * budget). Lists are read newest first, page by page, so a sync can stop
 * at its cursor; each page is a separate conditional request.
 */
export class GitHubClient {
  constructor(readonly http: HttpClient) {}

  static readonly PAGE_SIZE = 100

  /** the repositories the installation may read */
  async *installationRepositories(): AsyncGenerator<GitHub.Repository[]> {
    for await (const page of this.http.paginate<GitHub.InstallationRepositories>(
      '/installation/repositories',
      { query: { per_page: GitHubClient.PAGE_SIZE } }
    )) {
      yield page.data.repositories
    }
  }

  /** the repositories a personal access token may read (GET /user/repos) */
  async *tokenRepositories(): AsyncGenerator<GitHub.Repository[]> {
    for await (const page of this.http.paginate<GitHub.Repository[]>('/user/repos', {
      query: { per_page: GitHubClient.PAGE_SIZE, sort: 'full_name' },
    })) {
      yield page.data
    }
  }

  branch(repository: string, branch: string) {
    return this.#get<GitHub.Branch>(`/repos/${repository}/branches/${encodeURIComponent(branch)}`)
  }

  /** pull requests, most recently updated first, with whether page 1 was unchanged */
  pullRequestPages(repository: string) {
    return this.http.paginate<GitHub.PullRequest[]>(`/repos/${repository}/pulls`, {
      query: { state: 'all', sort: 'updated', direction: 'desc', per_page: GitHubClient.PAGE_SIZE },
    })
  }

  pullRequest(repository: string, number: number) {
    return this.#get<GitHub.PullRequestDetail>(`/repos/${repository}/pulls/${number}`)
  }

  async reviews(repository: string, number: number) {
    const reviews: GitHub.Review[] = []
    for await (const page of this.http.paginate<GitHub.Review[]>(
      `/repos/${repository}/pulls/${number}/reviews`,
      { query: { per_page: GitHubClient.PAGE_SIZE } }
    )) {
      reviews.push(...page.data)
    }
    return reviews
  }

  /** the pull request's commits, oldest first (one page: enough for the first commit and the AI marks of most) */
  async pullRequestCommits(repository: string, number: number) {
    const page = await this.http.get<GitHub.Commit[]>(
      `/repos/${repository}/pulls/${number}/commits`,
      { query: { per_page: GitHubClient.PAGE_SIZE } }
    )
    return page.data
  }

  async *pullRequestFiles(repository: string, number: number) {
    for await (const page of this.http.paginate<GitHub.PullRequestFile[]>(
      `/repos/${repository}/pulls/${number}/files`,
      { query: { per_page: GitHubClient.PAGE_SIZE } }
    )) {
      yield page.data
    }
  }

  commitPages(repository: string, branch: string, since: string | null) {
    return this.http.paginate<GitHub.Commit[]>(`/repos/${repository}/commits`, {
      query: { sha: branch, since: since ?? undefined, per_page: GitHubClient.PAGE_SIZE },
    })
  }

  releasePages(repository: string) {
    return this.http.paginate<GitHub.Release[]>(`/repos/${repository}/releases`, {
      query: { per_page: GitHubClient.PAGE_SIZE },
    })
  }

  deploymentPages(repository: string) {
    return this.http.paginate<GitHub.Deployment[]>(`/repos/${repository}/deployments`, {
      query: { per_page: GitHubClient.PAGE_SIZE },
    })
  }

  async deploymentStatuses(repository: string, deploymentId: number) {
    const page = await this.http.get<GitHub.DeploymentStatus[]>(
      `/repos/${repository}/deployments/${deploymentId}/statuses`,
      { query: { per_page: GitHubClient.PAGE_SIZE } }
    )
    return page.data
  }

  workflowRunPages(repository: string, branch: string) {
    return this.http.paginate<GitHub.WorkflowRuns>(`/repos/${repository}/actions/runs`, {
      query: { branch, per_page: GitHubClient.PAGE_SIZE },
    })
  }

  /** an organisation's teams (GET /orgs/{org}/teams; the App's "Members: read" permission) */
  teamPages(organization: string) {
    return this.http.paginate<GitHub.Team[]>(`/orgs/${encodeURIComponent(organization)}/teams`, {
      query: { per_page: GitHubClient.PAGE_SIZE },
    })
  }

  /** a team's members, direct and of its child teams (GET /orgs/{org}/teams/{slug}/members) */
  async teamMembers(organization: string, slug: string) {
    const members: GitHub.Account[] = []
    for await (const page of this.http.paginate<GitHub.Account[]>(
      `/orgs/${encodeURIComponent(organization)}/teams/${encodeURIComponent(slug)}/members`,
      { query: { per_page: GitHubClient.PAGE_SIZE } }
    )) {
      members.push(...page.data)
    }
    return members
  }

  /** the archive of one commit, streamed (GitHub redirects to its download host) */
  tarball(repository: string, sha: string): Promise<HttpDownload> {
    return this.http.download(`/repos/${repository}/tarball/${sha}`)
  }

  createCheckRun(
    repository: string,
    body: GitHub.CheckRunWrite & { name: string; head_sha: string }
  ) {
    return this.http
      .post<GitHub.CheckRun>(`/repos/${repository}/check-runs`, { body })
      .then((response) => response.data)
  }

  updateCheckRun(repository: string, checkRunId: number, body: GitHub.CheckRunWrite) {
    return this.http
      .request<GitHub.CheckRun>('PATCH', `/repos/${repository}/check-runs/${checkRunId}`, { body })
      .then((response) => response.data)
  }

  /** a reference (git data API), e.g. `notes/ai` for refs/notes/ai */
  reference(repository: string, ref: string) {
    return this.#get<GitHub.GitReference>(`/repos/${repository}/git/ref/${ref}`)
  }

  /** one commit with its files' patches (GitHub leaves out a patch too large to show) */
  commit(repository: string, sha: string) {
    return this.#get<GitHub.CommitDetail>(`/repos/${repository}/commits/${sha}`).then(
      (response) => response.data
    )
  }

  gitCommit(repository: string, sha: string) {
    return this.#get<GitHub.GitCommit>(`/repos/${repository}/git/commits/${sha}`)
  }

  /** a tree with every entry below it (`recursive`); `truncated` past GitHub's limits */
  gitTree(repository: string, sha: string) {
    return this.http
      .get<GitHub.GitTree>(`/repos/${repository}/git/trees/${sha}`, { query: { recursive: '1' } })
      .then((response) => response.data)
  }

  gitBlob(repository: string, sha: string) {
    return this.#get<GitHub.GitBlob>(`/repos/${repository}/git/blobs/${sha}`).then(
      (response) => response.data
    )
  }

  async #get<T>(path: string): Promise<HttpResponse<T>> {
    return this.http.get<T>(path)
  }
}

/** GitHub's REST headers: its JSON media type and the API version we were written against. */
export const GITHUB_HEADERS = {
  'accept': 'application/vnd.github+json',
  'x-github-api-version': '2022-11-28',
}
