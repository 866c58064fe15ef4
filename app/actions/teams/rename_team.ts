import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { findOrganizationTeam, teamNameTaken } from '#actions/teams/find_team'
import { TeamRefusedException } from '#actions/teams/team_refusal'

/**
 * A team's new name (unique in the organisation, case-insensitively).
 */
export default class RenameTeam {
  async execute(input: {
    organizationId: number
    actor: User
    meta: RequestMeta
    teamPublicId: string
    name: string
  }) {
    return db.transaction(async (trx) => {
      const team = await findOrganizationTeam(input.organizationId, input.teamPublicId, trx)
      if (await teamNameTaken(input.organizationId, input.name, team.id, trx)) {
        throw new TeamRefusedException('name', `A team named “${input.name}” already exists.`)
      }
      await trx
        .from('teams')
        .where('organization_id', input.organizationId)
        .where('id', team.id)
        .update({ name: input.name, updated_at: new Date() })
      await recordAudit(
        {
          event: 'team.renamed',
          actorId: input.actor.id,
          organizationId: input.organizationId,
          subject: input.name,
          meta: input.meta,
          details: { team: team.publicId, from: team.name },
        },
        trx
      )
      return { ...team, name: input.name }
    })
  }
}
