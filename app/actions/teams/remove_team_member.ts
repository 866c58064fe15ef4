import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { findOrganizationTeam, personIds } from '#actions/teams/find_team'

/**
 * Takes a person out of a team (not a member: no change).
 */
export default class RemoveTeamMember {
  async execute(input: {
    organizationId: number
    actor: User
    meta: RequestMeta
    teamPublicId: string
    personPublicId: string
  }) {
    return db.transaction(async (trx) => {
      const team = await findOrganizationTeam(input.organizationId, input.teamPublicId, trx)
      const removed = await trx
        .from('team_members')
        .where('organization_id', input.organizationId)
        .where('team_id', team.id)
        .where('person_id', personIds.decode(input.personPublicId) ?? 0)
        .delete()
      if (Number(removed) > 0) {
        await recordAudit(
          {
            event: 'team.member_removed',
            actorId: input.actor.id,
            organizationId: input.organizationId,
            subject: team.name,
            meta: input.meta,
            details: { team: team.publicId, person: input.personPublicId },
          },
          trx
        )
      }
      return team
    })
  }
}
