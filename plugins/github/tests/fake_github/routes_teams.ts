import { failure, json, notFound, paginate, type ApiContext, type Reply } from './http.js'
import { userShape } from './shapes.js'
import { accountFor, nextId, type FakeGitHubState, type FakeTeam } from './state.js'

/**
 * Organisation teams as GitHub's REST API serves them to an App
 * installed on the organisation: GET /orgs/{org}/teams and GET
 * /orgs/{org}/teams/{team_slug}/members, paginated with Link headers.
 * Another organisation's teams are a 404; an App without the "Members"
 * permission is answered 403 "Resource not accessible by integration".
 */
export function addTeam(
  state: FakeGitHubState,
  organization: string,
  input: { name: string; slug?: string; description?: string | null; members: string[] }
): FakeTeam {
  const team: FakeTeam = {
    id: nextId(state, 'team'),
    organization,
    name: input.name,
    slug: input.slug ?? input.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    description: input.description ?? null,
    members: [...input.members],
  }
  state.teams.push(team)
  return team
}

/** the organisation an installation token may read teams of, or the refusal */
function organizationOf(context: ApiContext): { organization: string } | { refusal: Reply } {
  const { caller, state } = context
  if (caller.kind !== 'installation') return { refusal: notFound() }
  const installation = state.installations.get(caller.installationId)!
  const organization = decodeURIComponent(context.params[0])
  if (
    installation.account.type !== 'Organization' ||
    installation.account.login.toLowerCase() !== organization.toLowerCase()
  ) {
    return { refusal: notFound() }
  }
  if (installation.membersPermission === false) {
    return {
      refusal: failure(
        403,
        'Resource not accessible by integration',
        'https://docs.github.com/rest/teams/teams#list-teams'
      ),
    }
  }
  return { organization: installation.account.login }
}

function teamShape(base: string, team: FakeTeam) {
  const path = `${base}/orgs/${encodeURIComponent(team.organization)}/teams/${team.slug}`
  return {
    id: team.id,
    node_id: `T_${Buffer.from(String(team.id)).toString('base64url')}`,
    url: path,
    html_url: `${base}/orgs/${team.organization}/teams/${team.slug}`,
    name: team.name,
    slug: team.slug,
    description: team.description,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: 'pull',
    members_url: `${path}/members{/member}`,
    repositories_url: `${path}/repos`,
    parent: null,
  }
}

export function listTeams(context: ApiContext): Reply {
  const found = organizationOf(context)
  if ('refusal' in found) return found.refusal
  const teams = context.state.teams.filter(
    (team) => team.organization.toLowerCase() === found.organization.toLowerCase()
  )
  const { items, headers } = paginate(context, teams)
  return { ...json(items.map((team) => teamShape(context.base, team))), headers }
}

export function listTeamMembers(context: ApiContext): Reply {
  const found = organizationOf(context)
  if ('refusal' in found) return found.refusal
  const slug = decodeURIComponent(context.params[1])
  const team = context.state.teams.find(
    (candidate) =>
      candidate.organization.toLowerCase() === found.organization.toLowerCase() &&
      candidate.slug === slug
  )
  if (!team) return notFound()
  const { items, headers } = paginate(context, team.members)
  return {
    ...json(items.map((login) => userShape(context.base, accountFor(login, 'User')))),
    headers,
  }
}
