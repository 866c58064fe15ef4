import { HttpError, type ContributorInput, type SyncContext, type TeamInput } from '#plugin-sdk'
import { editionOf } from '../client.js'
import { contributorOf, type JiraUser } from './mappers.js'

/**
 * Jira's groups as Sextant teams (Settings → Teams, the team lens).
 *
 * Cloud: Bulk get groups (GET /rest/api/3/group/bulk) and each group's
 * members (GET /rest/api/3/group/member?groupId=), paged by startAt with
 * isLast; a team is found again by the group's id.
 *
 * Data Center has no group listing but the group picker
 * (GET /rest/api/2/groups/picker), which answers at most
 * `jira.ajax.autocomplete.limit` groups whatever maxResults asks: the
 * next request excludes (`exclude=`, repeatable) every group already
 * listed, until a page holds all that remain. Members come from
 * GET /rest/api/2/group/member?groupname=, paged like Cloud's; a Data
 * Center group has no id, so its name is the team's external id (a
 * renamed group becomes a new team).
 *
 * A member is the account issues name (Cloud: its account id; Data
 * Center: its user name), so a team's people are those its accounts were
 * matched to (Settings → People). Atlassian's product-access and admin
 * groups (jira-*, confluence-*, site-admins…) say who may use a product,
 * not who works together: they are not imported; nor are apps. A grant
 * that may not browse users and groups (401, 403), or a Jira without the
 * API (404), imports nothing and says so; the sync succeeds.
 */

type Page<T> = { isLast?: boolean; values?: T[] }
type Group = { groupId?: string; name?: string }
type Picked = { total?: number; groups?: Array<{ name?: string }> }

const PAGE = 50

/** groups that grant product access or administration, not teams */
const ACCESS_GROUP =
  /^(jira-|confluence-|atlassian-|bitbucket-|statuspage-|opsgenie-)|^(site-admins|administrators|org-admins|trusted-users|system-administrators)$/i

export const GROUPS_NOT_PERMITTED =
  'groups (the grant cannot browse users and groups: none imported)'

async function all<T>(context: SyncContext, url: string, query: Record<string, string> = {}) {
  const items: T[] = []
  for (let startAt = 0; ;) {
    const answer = await context.http.get<Page<T>>(url, {
      query: { ...query, startAt: String(startAt), maxResults: String(PAGE) },
    })
    const values = answer.data.values ?? []
    items.push(...values)
    if (answer.data.isLast !== false || values.length === 0) return items
    startAt += values.length
  }
}

/** Data Center's groups through the picker, excluding those listed so far until none remain */
async function pickedGroups(context: SyncContext, api: string): Promise<Group[]> {
  const names: string[] = []
  for (;;) {
    const query = new URLSearchParams({ query: '', maxResults: '1000' })
    for (const name of names) query.append('exclude', name)
    const answer = await context.http.get<Picked>(`${api}/groups/picker?${query}`)
    const page = (answer.data.groups ?? []).map((group) => group.name).filter(Boolean) as string[]
    const fresh = page.filter((name) => !names.includes(name))
    names.push(...fresh)
    // a page that holds every remaining match (or nothing new) is the last
    if (fresh.length === 0 || page.length >= (answer.data.total ?? 0)) break
  }
  return names.map((name) => ({ groupId: name, name }))
}

export async function syncGroups(context: SyncContext) {
  const edition = editionOf(context.connection)
  const cloud = edition === 'cloud'
  const api = `${context.connection.baseUrl.replace(/\/+$/, '')}/rest/api/${cloud ? 3 : 2}`
  const teams: TeamInput[] = []
  const contributors = new Map<string, ContributorInput>()
  try {
    const groups = cloud
      ? await all<Group>(context, `${api}/group/bulk`)
      : await pickedGroups(context, api)
    for (const group of groups) {
      if (!group.groupId || !group.name || ACCESS_GROUP.test(group.name)) continue
      const members = await all<JiraUser & { accountType?: string }>(
        context,
        `${api}/group/member`,
        cloud ? { groupId: group.groupId } : { groupname: group.name }
      )
      const memberIds: string[] = []
      for (const member of members) {
        const contributor = contributorOf(member, edition)
        if (!contributor || contributor.isBot) continue
        contributors.set(contributor.externalId, contributor)
        memberIds.push(contributor.externalId)
      }
      teams.push({ externalId: group.groupId, name: group.name, memberExternalIds: memberIds })
      await context.progress(teams.length, null, 'groups')
    }
  } catch (error) {
    if (error instanceof HttpError && [401, 403].includes(error.status)) {
      context.logger.warn({ status: error.status }, GROUPS_NOT_PERMITTED)
      await context.progress(0, 0, GROUPS_NOT_PERMITTED)
      return
    }
    if (error instanceof HttpError && error.status === 404) {
      await context.progress(0, 0, 'groups (this Jira has no group listing API: none imported)')
      return
    }
    throw error
  }
  await context.store.upsertContributors([...contributors.values()])
  const imported = await context.store.upsertTeams(teams)
  await context.progress(imported, imported, 'groups')
}
