import type { ServerResponse } from 'node:http'

/**
 * Projects and teams as Azure DevOps Services answers them (Core area,
 * the "Project and team (read)" scope, vso.project): Projects - List
 * (`GET _apis/projects`), Teams - Get Teams (`GET
 * _apis/projects/{projectId}/teams`) and Teams - Get Team Members With
 * Extended Properties (`GET _apis/projects/{projectId}/teams/{teamId}/members`),
 * each a `{ count, value }` list paged by `$top` (100 when absent) and
 * `$skip`. Projects and teams are found by id or name.
 */
export type FakeTeamMember = {
  id: string
  displayName: string
  uniqueName: string
  /** a group added to the team, not a person */
  isContainer?: boolean
}
export type FakeTeam = {
  id: string
  name: string
  projectId: string
  description: string
  members: FakeTeamMember[]
}

type Project = { id: string; name: string }
type TeamsState = { projects: Project[]; teams: FakeTeam[] }

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  response.end(JSON.stringify(body))
}

function page<T>(url: URL, rows: T[]) {
  const top = Number(url.searchParams.get('$top') ?? 100)
  const skip = Number(url.searchParams.get('$skip') ?? 0)
  const value = rows.slice(skip, skip + top)
  return { count: value.length, value }
}

const named = (entry: { id: string; name: string }, key: string) =>
  [entry.id.toLowerCase(), entry.name.toLowerCase()].includes(decodeURIComponent(key).toLowerCase())

/** answers the request when it is one of these endpoints; false lets the server's other routes try */
export function teamRoute(
  state: TeamsState,
  base: string,
  method: string,
  path: string,
  url: URL,
  response: ServerResponse
): boolean {
  if (method !== 'GET') return false
  if (/^\/_apis\/projects\/?$/i.test(path)) {
    const rows = state.projects.map((project) => ({
      id: project.id,
      name: project.name,
      url: `${base}/_apis/projects/${project.id}`,
      state: 'wellFormed',
      revision: 1,
      visibility: 'private',
      lastUpdateTime: '2026-11-01T09:00:00Z',
    }))
    json(response, 200, page(url, rows))
    return true
  }
  let match = /^\/_apis\/projects\/([^/]+)\/teams\/?$/i.exec(path)
  if (match) {
    const project = state.projects.find((entry) => named(entry, match![1]))
    if (!project) return projectMissing(response, match[1])
    const rows = state.teams
      .filter((team) => team.projectId === project.id)
      .map((team) => ({
        id: team.id,
        name: team.name,
        url: `${base}/_apis/projects/${project.id}/teams/${team.id}`,
        description: team.description,
        identityUrl: `${base}/_apis/Identities/${team.id}`,
        projectName: project.name,
        projectId: project.id,
      }))
    json(response, 200, page(url, rows))
    return true
  }
  match = /^\/_apis\/projects\/([^/]+)\/teams\/([^/]+)\/members\/?$/i.exec(path)
  if (match) {
    const project = state.projects.find((entry) => named(entry, match![1]))
    if (!project) return projectMissing(response, match[1])
    const team = state.teams.find(
      (entry) => entry.projectId === project.id && named(entry, match![2])
    )
    if (!team) {
      json(response, 404, {
        $id: '1',
        message: `The team with id ${match[2]} does not exist.`,
        typeName: 'Microsoft.TeamFoundation.Core.WebApi.TeamNotFoundException',
      })
      return true
    }
    const rows = team.members.map((member) => ({
      isTeamAdmin: false,
      identity: {
        displayName: member.displayName,
        url: `${base}/_apis/Identities/${member.id}`,
        id: member.id,
        uniqueName: member.uniqueName,
        imageUrl: `${base}/_api/_common/identityImage?id=${member.id}`,
        descriptor: `${member.isContainer ? 'vssgp' : 'aad'}.${Buffer.from(member.id).toString('base64url')}`,
        ...(member.isContainer ? { isContainer: true } : {}),
      },
    }))
    json(response, 200, page(url, rows))
    return true
  }
  return false
}

function projectMissing(response: ServerResponse, key: string) {
  json(response, 404, {
    $id: '1',
    message: `TF200016: The following project does not exist: ${decodeURIComponent(key)}.`,
    typeName: 'Microsoft.TeamFoundation.Core.WebApi.ProjectDoesNotExistException',
  })
  return true
}
