import { createCheckRun, getCheckRun, updateCheckRun } from './check_runs.js'
import type { ApiContext, RepoContext, Reply } from './http.js'
import * as app from './routes_app.js'
import { updateHookConfig } from './manifest_flow.js'
import * as repos from './routes_repos.js'
import { redirectToTarball } from './tarballs.js'
import * as gitData from './git_data.js'
import { listTeamMembers, listTeams } from './routes_teams.js'

/**
 * The REST routes and who may call each: the App's JWT, an installation
 * token, a user token, or (for repository routes) any caller that can
 * see the repository, anonymous callers included for public ones.
 */
export type Route =
  | {
      method: string
      pattern: RegExp
      scope: 'repo' | 'repo-write'
      handler: (context: RepoContext) => Reply
    }
  | {
      method: string
      pattern: RegExp
      scope: 'jwt' | 'installation' | 'user'
      handler: (context: ApiContext) => Reply
      /** GitHub's 403 message when another kind of token calls */
      wrongKind?: string
    }

const REPO = String.raw`^/repos/([^/]+)/([^/]+)`
const exact = (path: string) => new RegExp(`${path}$`)

function jwt(method: string, path: string, handler: (context: ApiContext) => Reply): Route {
  return { method, pattern: exact(path), scope: 'jwt', handler }
}

function byToken(
  scope: 'installation' | 'user',
  method: string,
  path: string,
  handler: (context: ApiContext) => Reply,
  wrongKind?: string
): Route {
  return { method, pattern: exact(path), scope, handler, wrongKind }
}

function repo(method: string, path: string, handler: (context: RepoContext) => Reply): Route {
  return {
    method,
    pattern: exact(`${REPO}${path}`),
    scope: method === 'GET' ? 'repo' : 'repo-write',
    handler,
  }
}

export const ROUTES: Route[] = [
  jwt('GET', '^/app', app.getApp),
  jwt('PATCH', '^/app/hook/config', updateHookConfig),
  jwt('GET', '^/app/installations', app.listAppInstallations),
  jwt('GET', String.raw`^/app/installations/(\d+)`, app.getAppInstallation),
  jwt('DELETE', String.raw`^/app/installations/(\d+)`, app.deleteAppInstallation),
  jwt('POST', String.raw`^/app/installations/(\d+)/access_tokens`, app.createAccessToken),
  jwt('GET', `${REPO}/installation`, app.getRepositoryInstallation),
  byToken('installation', 'DELETE', '^/installation/token', app.revokeInstallationToken),
  byToken(
    'installation',
    'GET',
    '^/installation/repositories',
    app.listInstallationRepositories,
    'You must authenticate with an installation access token in order to list repositories for an installation.'
  ),
  byToken('installation', 'GET', '^/orgs/([^/]+)/teams', listTeams),
  byToken('installation', 'GET', '^/orgs/([^/]+)/teams/([^/]+)/members', listTeamMembers),
  byToken('user', 'GET', '^/user', app.getUser),
  byToken('user', 'GET', '^/user/repos', app.listUserRepositories),
  byToken(
    'user',
    'GET',
    '^/user/installations',
    app.listUserInstallations,
    'You must authenticate with an access token authorized to a GitHub App in order to list installations'
  ),
  byToken(
    'user',
    'GET',
    String.raw`^/user/installations/(\d+)/repositories`,
    app.listUserInstallationRepositories
  ),
  repo('GET', '', repos.getRepository),
  repo('GET', '/branches/(.+)', repos.getBranch),
  repo('GET', '/pulls', repos.listPullRequests),
  repo('GET', String.raw`/pulls/(\d+)`, repos.getPullRequest),
  repo('GET', String.raw`/pulls/(\d+)/reviews`, repos.listReviews),
  repo('GET', String.raw`/pulls/(\d+)/commits`, repos.listPullRequestCommits),
  repo('GET', String.raw`/pulls/(\d+)/files`, repos.listPullRequestFiles),
  repo('GET', '/commits', repos.listCommits),
  repo('GET', '/commits/([^/]+)', repos.getCommit),
  repo('GET', '/contributors', repos.listContributors),
  repo('GET', '/releases', repos.listReleases),
  repo('GET', '/deployments', repos.listDeployments),
  repo('GET', String.raw`/deployments/(\d+)/statuses`, repos.listDeploymentStatuses),
  repo('GET', '/actions/runs', repos.listWorkflowRuns),
  repo('GET', '/tarball(?:/(.+))?', redirectToTarball),
  repo('GET', '/git/ref/(.+)', gitData.getReference),
  repo('GET', '/git/commits/([0-9a-f]{40})', gitData.getGitCommit),
  repo('GET', '/git/trees/([0-9a-f]{40})', gitData.getTree),
  repo('GET', '/git/blobs/([0-9a-f]{40})', gitData.getBlob),
  repo('POST', '/check-runs', createCheckRun),
  repo('PATCH', String.raw`/check-runs/(\d+)`, updateCheckRun),
  repo('GET', String.raw`/check-runs/(\d+)`, getCheckRun),
]
