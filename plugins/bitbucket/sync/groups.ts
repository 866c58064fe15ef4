import { HttpError, type SyncContext, type TeamInput } from '#plugin-sdk'
import { BitbucketClient } from '../client.js'
import { workspaceOf } from '../connect.js'
import { contributorInput } from './mappers.js'

/**
 * The workspace's groups as Sextant teams (Settings → Teams, the team
 * lens), through the SDK's `upsertTeams` like GitHub's and Azure DevOps'
 * teams. Bitbucket Cloud's REST API 2.0 lists no groups: only the 1.0
 * groups resource Atlassian still supports does (GET /1.0/groups/{workspace},
 * every group with its members; client.ts says why). A team is found
 * again by the group's slug; its members are the accounts pull requests
 * name (by uuid), so its people are those the accounts were matched to.
 * A group may only be read by a workspace administrator (or its members):
 * 401 or 403 imports nothing and says so; 404 or 410 (the resource
 * withdrawn) says there is no group listing; the sync succeeds.
 */
export const GROUPS_NOT_PERMITTED =
  'groups (the credential may not read the workspace groups: none imported)'

export async function syncGroups(context: SyncContext) {
  const client = new BitbucketClient(context.http)
  let groups
  try {
    groups = await client.groups(workspaceOf(context.connection))
  } catch (error) {
    if (error instanceof HttpError && [401, 403].includes(error.status)) {
      context.logger.warn({ status: error.status }, GROUPS_NOT_PERMITTED)
      await context.progress(0, 0, GROUPS_NOT_PERMITTED)
      return
    }
    if (error instanceof HttpError && [404, 410].includes(error.status)) {
      await context.progress(0, 0, 'groups (Bitbucket offers no group listing here: none imported)')
      return
    }
    throw error
  }
  const teams: TeamInput[] = []
  for (const group of groups) {
    if (!group.slug || !group.name) continue
    // a team account in a group is not a person
    const members = (group.members ?? []).filter((member) => member.uuid && !member.is_team)
    await context.store.upsertContributors(members.map(contributorInput))
    teams.push({
      externalId: group.slug,
      name: group.name,
      memberExternalIds: members.map((member) => member.uuid),
    })
  }
  const imported = await context.store.upsertTeams(teams)
  await context.progress(imported, imported, 'groups')
}
