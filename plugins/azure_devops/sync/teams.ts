import { setTimeout as sleep } from 'node:timers/promises'
import type { ContributorInput, SyncContext, TeamInput } from '#plugin-sdk'
import type { CoreApi } from 'azure-devops-node-api/CoreApi.js'
import { statusOf, webApiFor } from '../client.js'
import { contributorOf } from './pull_requests.js'
import { credentialsAlive, refuseConnection } from './guard.js'

/** the most projects, teams or members asked for per page ($top) */
export const TEAMS_PAGE_SIZE = 100

export const TEAMS_NOT_PERMITTED =
  'teams (the token lacks "Project and team (read)": none imported)'

/** how often one page is asked again after a 429, and the longest wait honoured */
const THROTTLE_RETRIES = 3
const LONGEST_WAIT_SECONDS = 60

/**
 * One request, a 429 waited out: azure-devops-node-api does not retry
 * it, so its Retry-After (seconds) is slept here, as the SDK's HTTP
 * client does for the other tasks.
 */
async function patiently<T>(read: () => Promise<T>, signal: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read()
    } catch (error) {
      if (statusOf(error) !== 429 || attempt >= THROTTLE_RETRIES) throw error
      const headers = (error as { responseHeaders?: Record<string, string> }).responseHeaders
      const seconds = Number(headers?.['retry-after'] ?? 1)
      const wait = Math.min(
        Number.isFinite(seconds) && seconds > 0 ? seconds : 1,
        LONGEST_WAIT_SECONDS
      )
      await sleep(wait * 1000, undefined, { signal })
    }
  }
}

/**
 * Every item of a `$top`/`$skip` list: a page shorter than asked is the
 * last. azure-devops-node-api answers a 404 with null (a project or team
 * deleted meanwhile): nothing to list.
 */
async function allPages<T>(
  signal: AbortSignal,
  read: (top: number, skip: number) => Promise<T[] | null>
) {
  const items: T[] = []
  for (let skip = 0; ; skip += TEAMS_PAGE_SIZE) {
    const page = (await patiently(() => read(TEAMS_PAGE_SIZE, skip), signal)) ?? []
    items.push(...page)
    if (page.length < TEAMS_PAGE_SIZE) return items
  }
}

/** one project's teams with their members, as the SDK's TeamInput */
async function projectTeams(core: CoreApi, projectId: string, signal: AbortSignal) {
  const teams = await allPages(signal, (top, skip) => core.getTeams(projectId, false, top, skip))
  const contributors = new Map<string, ContributorInput>()
  const rows: TeamInput[] = []
  for (const team of teams) {
    if (!team.id || !team.name) continue
    const members = await allPages(signal, (top, skip) =>
      core.getTeamMembersWithExtendedProperties(projectId, team.id!, top, skip)
    )
    const memberIds: string[] = []
    for (const member of members) {
      // a group in a team is not a person; its own members are not expanded
      if (member.identity?.isContainer) continue
      const contributor = contributorOf(member.identity)
      if (!contributor) continue
      contributors.set(contributor.externalId, contributor)
      memberIds.push(contributor.externalId)
    }
    rows.push({ externalId: team.id, name: team.name, memberExternalIds: memberIds })
  }
  return { rows, contributors: [...contributors.values()] }
}

/**
 * Every project's Azure DevOps teams and their members, as Sextant teams
 * (Settings → Teams, the team lens of the insights), through
 * azure-devops-node-api's CoreApi: Projects - List, Teams - Get Teams and
 * Teams - Get Team Members With Extended Properties, `$top`/`$skip`
 * pages. A member is the identity pull requests name (its id, its
 * uniqueName as login), so a team's people are the authors of its pull
 * requests. A token without "Project and team (read)" (401 while the
 * token itself is alive) or a user not allowed to read teams (403)
 * imports nothing and says so; the sync still succeeds. A dead token
 * pauses the connection as the other steps do (guard.ts).
 */
export async function syncTeams(context: SyncContext) {
  const teams: TeamInput[] = []
  try {
    const api = await webApiFor(context.connection)
    const core = await api.getCoreApi()
    const projects = await allPages(context.signal, (top, skip) =>
      core.getProjects(undefined, top, skip)
    )
    for (const project of projects) {
      if (!project.id) continue
      const { rows, contributors } = await projectTeams(core, project.id, context.signal)
      await context.store.upsertContributors(contributors)
      teams.push(...rows)
      await context.progress(teams.length, null, 'teams')
    }
  } catch (error) {
    const status = statusOf(error)
    if (status === 403 || (status === 401 && (await credentialsAlive(context)))) {
      context.logger.warn({ status }, TEAMS_NOT_PERMITTED)
      await context.progress(0, 0, TEAMS_NOT_PERMITTED)
      return
    }
    if (status === 401) await refuseConnection(context)
    throw error
  }
  // every project's teams in one write: one transaction, one audit event
  const imported = await context.store.upsertTeams(teams)
  await context.progress(imported, imported, 'teams')
}
