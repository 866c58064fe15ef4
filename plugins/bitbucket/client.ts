import type { HttpClient, PaginateOptions } from '#plugin-sdk'
import type * as Bitbucket from './types.js'

const PAGES = { style: 'next-url', next: 'next' } as const
/** a pull request's commits asked for per page (pagelen), also the most written per group */
export const PULL_REQUEST_COMMITS_PER_PAGE = 50

/** the repository's path segment: "workspace/slug" with each part encoded */
export function repositoryPath(fullName: string) {
  return fullName.split('/').map(encodeURIComponent).join('/')
}

/**
 * The Bitbucket Cloud REST API 2.0 on the platform's HTTP client: every
 * list is a paginated envelope whose absolute `next` URL the client
 * follows (staying on the API's origin), every request counts toward the
 * run, waits out 429s and is conditional where Bitbucket sends an ETag.
 */
export class BitbucketClient {
  constructor(readonly http: HttpClient) {}

  #list<Item>(path: string, query: PaginateOptions['query'] = {}) {
    return this.http.paginate<unknown, Item>(path, {
      strategy: PAGES,
      items: 'values',
      query: { pagelen: 100, ...query },
    })
  }

  async user() {
    const response = await this.http.get<Bitbucket.Account>('/2.0/user', { conditional: false })
    return response.data
  }

  async *workspaces() {
    for await (const page of this.#list<Bitbucket.WorkspaceMembership>(
      '/2.0/user/permissions/workspaces'
    )) {
      yield* page.items.map((membership) => membership.workspace)
    }
  }

  workspace(slug: string) {
    return this.http.get<Bitbucket.Workspace>(`/2.0/workspaces/${encodeURIComponent(slug)}`, {
      conditional: false,
    })
  }

  /**
   * The workspace's groups with their members: GET /1.0/groups/{workspace},
   * one unpaginated array. The 2.0 API has no group listing (the v1
   * deprecation notice lists groups as removed, with no 2.0 alternative);
   * Atlassian keeps this 1.0 resource under "temporary support" until its
   * admin API covers groups (docs/bitbucket.md, "Groups as teams").
   */
  async groups(workspace: string) {
    const response = await this.http.get<Bitbucket.Group[]>(
      `/1.0/groups/${encodeURIComponent(workspace)}`,
      { conditional: false }
    )
    return Array.isArray(response.data) ? response.data : []
  }

  repositories(workspace: string) {
    return this.#list<Bitbucket.Repository>(`/2.0/repositories/${encodeURIComponent(workspace)}`, {
      sort: '-updated_on',
    })
  }

  /**
   * Pull requests in every state, newest update first, each with its
   * participants (a partial-response field the list leaves out by
   * default), from `since` on when given.
   */
  pullRequests(fullName: string, since: string | null) {
    const states = ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED'].map((s) => `state=${s}`).join('&')
    return this.#list<Bitbucket.PullRequest>(
      `/2.0/repositories/${repositoryPath(fullName)}/pullrequests?${states}`,
      {
        sort: '-updated_on',
        fields: '+values.participants',
        q: since ? `updated_on > ${since}` : undefined,
        pagelen: 50,
      }
    )
  }

  /**
   * A commit's raw git-style diff against its first parent (text/plain):
   * where its added lines are. The diffstat of the same spec gives only
   * counts per file, not the lines' positions a line fact needs.
   */
  async commitDiff(fullName: string, hash: string) {
    const response = await this.http.get<unknown>(
      `/2.0/repositories/${repositoryPath(fullName)}/diff/${encodeURIComponent(hash)}`
    )
    return typeof response.data === 'string' ? response.data : ''
  }

  async *activity(fullName: string, id: number) {
    yield* this.http.paginateItems<Bitbucket.Activity>(
      `/2.0/repositories/${repositoryPath(fullName)}/pullrequests/${id}/activity`,
      { strategy: PAGES, items: 'values', query: { pagelen: 50 } }
    )
  }

  async *diffstat(fullName: string, id: number) {
    yield* this.http.paginateItems<Bitbucket.DiffStat>(
      `/2.0/repositories/${repositoryPath(fullName)}/pullrequests/${id}/diffstat`,
      { strategy: PAGES, items: 'values', query: { pagelen: 500 } }
    )
  }

  /**
   * A pull request's commits, newest first (GET .../pullrequests/{id}/commits),
   * page by page along the `next` links: a page is asked for only once
   * the caller is done with the one before.
   */
  pullRequestCommits(fullName: string, id: number) {
    return this.#list<Bitbucket.Commit>(
      `/2.0/repositories/${repositoryPath(fullName)}/pullrequests/${id}/commits`,
      { pagelen: PULL_REQUEST_COMMITS_PER_PAGE }
    )
  }

  /** the commit a branch points at (GET .../refs/branches/{name}) */
  async branchHead(fullName: string, branch: string) {
    const response = await this.http.get<{ target: { hash: string } }>(
      `/2.0/repositories/${repositoryPath(fullName)}/refs/branches/${encodeURIComponent(branch)}`,
      { conditional: false }
    )
    return response.data.target.hash
  }

  commits(fullName: string, branch: string) {
    return this.#list<Bitbucket.Commit>(
      `/2.0/repositories/${repositoryPath(fullName)}/commits/${encodeURIComponent(branch)}`
    )
  }

  pipelines(fullName: string) {
    return this.#list<Bitbucket.Pipeline>(
      `/2.0/repositories/${repositoryPath(fullName)}/pipelines`,
      { sort: '-created_on' }
    )
  }

  async *environments(fullName: string) {
    yield* this.http.paginateItems<Bitbucket.Environment>(
      `/2.0/repositories/${repositoryPath(fullName)}/environments`,
      { strategy: PAGES, items: 'values', query: { pagelen: 100 } }
    )
  }

  deployments(fullName: string) {
    return this.#list<Bitbucket.Deployment>(
      `/2.0/repositories/${repositoryPath(fullName)}/deployments`,
      { sort: '-state.started_on' }
    )
  }

  async *webhooks(path: string) {
    yield* this.http.paginateItems<Bitbucket.Webhook>(`${path}/hooks`, {
      strategy: PAGES,
      items: 'values',
      query: { pagelen: 100 },
      conditional: false,
    })
  }

  async createWebhook(path: string, body: Record<string, unknown>) {
    const response = await this.http.post<Bitbucket.Webhook>(`${path}/hooks`, { body })
    return response.data
  }

  async deleteWebhook(path: string, uuid: string) {
    await this.http.request('DELETE', `${path}/hooks/${encodeURIComponent(uuid)}`)
  }

  async postBuildStatus(fullName: string, sha: string, status: Bitbucket.BuildStatus) {
    const path = `/2.0/repositories/${repositoryPath(fullName)}/commit/${encodeURIComponent(sha)}/statuses/build`
    const response = await this.http.post<Bitbucket.BuildStatus>(path, { body: status })
    return response.data
  }
}
