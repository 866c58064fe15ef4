import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { findOrganizationTeam } from '#actions/teams/find_team'

/**
 * Deletes a team and its memberships; the people stay.
 */
export default class DeleteTeam {
  async execute(input: {
    organizationId: number
    actor: User
    meta: RequestMeta
    teamPublicId: string
  }) {
    return db.transaction(async (trx) => {
      const team = await findOrganizationTeam(input.organizationId, input.teamPublicId, trx)
      await trx.from('team_members').where('team_id', team.id).delete()
      await trx
        .from('teams')
        .where('organization_id', input.organizationId)
        .where('id', team.id)
        .delete()
      await recordAudit(
        {
          event: 'team.deleted',
          actorId: input.actor.id,
          organizationId: input.organizationId,
          subject: team.name,
          meta: input.meta,
          details: { team: team.publicId },
        },
        trx
      )
      return team
    })
  }
}
