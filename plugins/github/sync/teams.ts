import { HttpError, type SyncContext } from '#plugin-sdk'
import { GitHubClient } from '../client.js'
import { contributorInput } from './mappers.js'

/**
 * The organisation's GitHub teams and their members, as Sextant teams
 * (Settings → Teams, the team lens of the insights). Only an App
 * installed on an organisation has teams: on a personal account, or a
 * personal access token, there is nothing to import. An App without the
 * "Members: read" permission is answered 403: the step says so and
 * writes nothing rather than failing the sync.
 */
export async function syncTeams(context: SyncContext) {
  const config = context.connection.config
  const organization = typeof config.accountLogin === 'string' ? config.accountLogin : null
  if (!organization || config.accountType !== 'Organization') {
    await context.progress(0, 0, 'teams (not an organisation: none to import)')
    return
  }
  const client = new GitHubClient(context.http)
  let imported = 0
  try {
    for await (const page of client.teamPages(organization)) {
      const teams = []
      for (const team of page.data) {
        const listed = await client.teamMembers(organization, team.slug)
        const members = listed.filter((member) => member.type !== 'Bot')
        await context.store.upsertContributors(members.map(contributorInput))
        teams.push({
          externalId: String(team.id),
          name: team.name,
          memberExternalIds: members.map((member) => String(member.id)),
        })
      }
      imported += await context.store.upsertTeams(teams)
      await context.progress(imported, null, 'teams')
    }
  } catch (error) {
    if (error instanceof HttpError && error.status === 403) {
      await context.progress(imported, imported, 'teams (the App lacks "Members: read")')
      return
    }
    throw error
  }
}
