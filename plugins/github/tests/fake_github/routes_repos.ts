import { failure, json, notFound, page, paginate, type RepoContext, type Reply } from './http.js'
import {
  commitShape,
  commitDetailShape,
  fileShape,
  pullRequestShape,
  repositoryShape,
  reviewShape,
  userShape,
} from './shapes.js'
import {
  deploymentShape,
  deploymentStatusShape,
  releaseShape,
  workflowRunShape,
} from './shapes_delivery.js'
import {
  deploymentStatuses,
  pullRequestCommits,
  pullRequestFiles,
  pullRequestReviews,
} from './generate.js'
import { headOf, type FakeCommit, type FakePullRequest, type FakeRepository } from './state.js'

/**
 * Read endpoints under /repos/{owner}/{repo}. Access has already been
 * checked by the server; `context.repository` is the repository.
 */
const DAY = 86_400

export function getRepository({ base, repository }: RepoContext): Reply {
  return json(repositoryShape(base, repository), 200, repository.updatedAt)
}

/** a branch's head: the default branch, or the head branch of an open pull request */
function branchHead(repository: FakeRepository, name: string): FakeCommit | null {
  if (name === repository.defaultBranch) return headOf(repository)
  const pull = repository.pullRequests.find((p) => p.headRef === name && p.state === 'open')
  return pull ? pullRequestCommits(repository, pull).at(-1)! : null
}

export function getBranch({ base, repository, params }: RepoContext): Reply {
  const name = decodeURIComponent(params[2])
  const head = branchHead(repository, name)
  if (!head)
    return failure(
      404,
      'Branch not found',
      'https://docs.github.com/rest/branches/branches#get-a-branch'
    )
  const api = `${base}/repos/${repository.fullName}/branches/${name}`
  return json({
    name,
    commit: commitShape(base, repository, head),
    _links: { self: api, html: `${base}/${repository.fullName}/tree/${name}` },
    protected: name === repository.defaultBranch,
    protection: {
      enabled: name === repository.defaultBranch,
      required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] },
    },
    protection_url: `${api}/protection`,
  })
}

const PULL_SORTS: Record<string, (pull: FakePullRequest) => number> = {
  'created': (pull) => pull.createdAt,
  'updated': (pull) => pull.updatedAt,
  'popularity': (pull) => pull.comments + pull.reviewComments,
  'long-running': (pull) => pull.createdAt,
}

export function listPullRequests(context: RepoContext): Reply {
  const { base, repository, url } = context
  const state = url.searchParams.get('state') ?? 'open'
  const sort = url.searchParams.get('sort') ?? 'created'
  const key = PULL_SORTS[sort]
  if (!['open', 'closed', 'all'].includes(state) || !key) {
    return failure(422, 'Validation Failed')
  }
  // GitHub's default direction is desc for "created", asc for the other sorts.
  const direction = url.searchParams.get('direction') ?? (sort === 'created' ? 'desc' : 'asc')
  const sign = direction === 'asc' ? 1 : -1
  const head = url.searchParams.get('head')
  const baseRef = url.searchParams.get('base')
  const rows = repository.pullRequests
    .filter((pull) => state === 'all' || pull.state === state)
    .filter((pull) => !head || `${repository.owner.login}:${pull.headRef}` === head)
    .filter((pull) => !baseRef || pull.baseRef === baseRef)
    .sort((a, b) => sign * (key(a) - key(b)) || sign * (a.number - b.number))
  return page(context, rows, (pull) => pullRequestShape(base, repository, pull, false))
}

function findPull(context: RepoContext) {
  return context.repository.pullRequests.find((pull) => pull.number === Number(context.params[2]))
}

export function getPullRequest(context: RepoContext): Reply {
  const pull = findPull(context)
  if (!pull) return notFound()
  return json(pullRequestShape(context.base, context.repository, pull, true), 200, pull.updatedAt)
}

export function listReviews(context: RepoContext): Reply {
  const pull = findPull(context)
  if (!pull) return notFound()
  const { base, repository } = context
  // Reviews come oldest first, as GitHub lists them.
  return page(context, pullRequestReviews(repository, pull), (review) =>
    reviewShape(base, repository, pull, review)
  )
}

export function listPullRequestCommits(context: RepoContext): Reply {
  const pull = findPull(context)
  if (!pull) return notFound()
  const { base, repository } = context
  return page(context, pullRequestCommits(repository, pull), (commit) =>
    commitShape(base, repository, commit)
  )
}

export function listPullRequestFiles(context: RepoContext): Reply {
  const pull = findPull(context)
  if (!pull) return notFound()
  const { base, repository } = context
  return page(context, pullRequestFiles(repository, pull), (file) =>
    fileShape(base, repository, file)
  )
}

/** history reachable from a branch or sha, newest first (histories here are linear) */
function history(repository: FakeRepository, ref: string): FakeCommit[] | null {
  const onDefault = (sha: string) => {
    const index = repository.commits.findIndex((commit) => commit.sha === sha)
    return index === -1 ? null : repository.commits.slice(0, index + 1).reverse()
  }
  if (ref === repository.defaultBranch) return onDefault(headOf(repository).sha)
  const direct = onDefault(ref)
  if (direct) return direct
  const pull = repository.pullRequests.find(
    (p) => (p.headRef === ref && p.state === 'open') || p.headSha === ref
  )
  if (!pull) return null
  return [...pullRequestCommits(repository, pull).reverse(), ...(onDefault(pull.baseSha) ?? [])]
}

export function listCommits(context: RepoContext): Reply {
  const { base, repository, url } = context
  const commits = history(repository, url.searchParams.get('sha') ?? repository.defaultBranch)
  if (!commits) return notFound()
  const since = url.searchParams.get('since')
  const until = url.searchParams.get('until')
  const author = url.searchParams.get('author')
  const rows = commits.filter(
    (commit) =>
      (!since || commit.date * 1000 >= Date.parse(since)) &&
      (!until || commit.date * 1000 <= Date.parse(until)) &&
      (!author || commit.authorLogin === author || commit.authorEmail === author)
  )
  return page(context, rows, (commit) => commitShape(base, repository, commit))
}

export function getCommit(context: RepoContext): Reply {
  const { base, repository, params } = context
  const sha = decodeURIComponent(params[2])
  // a pull request's commit that is not its head is found among its commits
  const commit =
    history(repository, sha)?.[0] ??
    repository.pullRequests
      .flatMap((pull) => pullRequestCommits(repository, pull))
      .find((candidate) => candidate.sha === sha)
  if (!commit) return failure(422, `No commit found for SHA: ${params[2]}`)
  return json(commitDetailShape(base, repository, commit))
}

export function listContributors(context: RepoContext): Reply {
  const counts = new Map<string, number>()
  for (const commit of context.repository.commits) {
    if (commit.authorLogin)
      counts.set(commit.authorLogin, (counts.get(commit.authorLogin) ?? 0) + 1)
  }
  const rows = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
  return page(context, rows, ([login, contributions]) => ({
    ...userShape(context.base, login),
    contributions,
  }))
}

export function listReleases(context: RepoContext): Reply {
  const { base, repository } = context
  const rows = [...repository.releases].sort((a, b) => b.createdAt - a.createdAt)
  return page(context, rows, (release) => releaseShape(base, repository, release))
}

export function listDeployments(context: RepoContext): Reply {
  const { base, repository, url } = context
  const filters = ['sha', 'ref', 'environment'] as const
  const rows = repository.deployments
    .filter((deployment) =>
      filters.every((name) => {
        const wanted = url.searchParams.get(name)
        return !wanted || deployment[name] === wanted
      })
    )
    .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
  return page(context, rows, (deployment) => deploymentShape(base, repository, deployment))
}

export function listDeploymentStatuses(context: RepoContext): Reply {
  const { base, repository, params } = context
  const deployment = repository.deployments.find((candidate) => candidate.id === Number(params[2]))
  if (!deployment) return notFound()
  return page(context, deploymentStatuses(deployment), (status) =>
    deploymentStatusShape(base, repository, deployment, status)
  )
}

/** GitHub's date-range search syntax: >=D, <=D, >D, <D, A..B (with *), or one day */
export function dateRange(expression: string): [number, number] | null {
  const bound = (text: string, end: boolean) => {
    if (text === '*') return end ? Infinity : -Infinity
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text)
    const ms = Date.parse(dateOnly ? `${text}T00:00:00Z` : text)
    if (Number.isNaN(ms)) return Number.NaN
    return ms / 1000 + (dateOnly && end ? DAY - 1 : 0)
  }
  let range: [number, number]
  if (expression.includes('..')) {
    const [from, to] = expression.split('..')
    range = [bound(from, false), bound(to, true)]
  } else if (expression.startsWith('>=')) range = [bound(expression.slice(2), false), Infinity]
  else if (expression.startsWith('<=')) range = [-Infinity, bound(expression.slice(2), true)]
  else if (expression.startsWith('>')) range = [bound(expression.slice(1), true) + 1, Infinity]
  else if (expression.startsWith('<')) range = [-Infinity, bound(expression.slice(1), false) - 1]
  else range = [bound(expression, false), bound(expression, true)]
  return range.some(Number.isNaN) ? null : range
}

export function listWorkflowRuns(context: RepoContext): Reply {
  const { base, repository, url } = context
  const branch = url.searchParams.get('branch')
  const event = url.searchParams.get('event')
  const status = url.searchParams.get('status')
  const headSha = url.searchParams.get('head_sha')
  const created = url.searchParams.get('created')
  const range = created ? dateRange(created) : null
  if (created && !range) return failure(422, 'Validation Failed')
  const rows = repository.workflowRuns
    .filter(
      (run) =>
        (!branch || run.headBranch === branch) &&
        (!event || run.event === event) &&
        (!status || run.status === status || run.conclusion === status) &&
        (!headSha || run.headSha === headSha) &&
        (!range || (run.createdAt >= range[0] && run.createdAt <= range[1]))
    )
    .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
  const { items, headers } = paginate(context, rows)
  return {
    status: 200,
    headers,
    body: {
      total_count: rows.length,
      workflow_runs: items.map((run) => workflowRunShape(base, repository, run)),
    },
  }
}
