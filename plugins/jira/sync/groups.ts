import { HttpError, type ContributorInput, type SyncContext, type TeamInput } from '#plugin-sdk'
import { editionOf } from '../client.js'
import { contributorOf, type JiraUser } from './mappers.js'

/**
 * Jira's groups as Sextant teams (Settings → Teams, the team lens): Bulk
 * get groups (GET /rest/api/3/group/bulk) and each group's members
 * (GET /rest/api/3/group/member?groupId=), paged by startAt with isLast.
 * A member is the account issues name (its account id), so a team's
 * people are those its accounts were matched to (Settings → People).
 * Atlassian's product-access and admin groups (jira-*, confluence-*,
 * site-admins…) say who may use a product, not who works together: they
 * are not imported; nor are apps. A grant without "Browse users and
 * groups" (401, 403), or a Jira without Bulk get groups (404, Data
 * Center), imports nothing and says so; the sync succeeds.
 */

type Page<T> = { isLast?: boolean; values?: T[] }
type Group = { groupId?: string; name?: string }

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

export async function syncGroups(context: SyncContext) {
  const api = `${context.connection.baseUrl.replace(/\/+$/, '')}/rest/api/3`
  const edition = editionOf(context.connection)
  const teams: TeamInput[] = []
  const contributors = new Map<string, ContributorInput>()
  try {
    const groups = await all<Group>(context, `${api}/group/bulk`)
    for (const group of groups) {
      if (!group.groupId || !group.name || ACCESS_GROUP.test(group.name)) continue
      const members = await all<JiraUser & { accountType?: string }>(
        context,
        `${api}/group/member`,
        { groupId: group.groupId }
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
    // Data Center has no Bulk get groups (its /rest/api/2 lists groups otherwise): nothing to import yet
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
