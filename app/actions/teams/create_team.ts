import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { teamIds, teamNameTaken } from '#actions/teams/find_team'
import { TeamRefusedException } from '#actions/teams/team_refusal'

/**
 * A new, empty team; its people are added next.
 */
export default class CreateTeam {
  async execute(input: { organizationId: number; actor: User; meta: RequestMeta; name: string }) {
    return db.transaction(async (trx) => {
      if (await teamNameTaken(input.organizationId, input.name, null, trx)) {
        throw new TeamRefusedException('name', `A team named “${input.name}” already exists.`)
      }
      const now = new Date()
      const [inserted] = await trx
        .insertQuery()
        .table('teams')
        .insert({
          organization_id: input.organizationId,
          name: input.name,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
      const id = Number(typeof inserted === 'object' ? inserted.id : inserted)
      const publicId = teamIds.encode(id)
      await recordAudit(
        {
          event: 'team.created',
          actorId: input.actor.id,
          organizationId: input.organizationId,
          subject: input.name,
          meta: input.meta,
          details: { team: publicId },
        },
        trx
      )
      return { id, name: input.name, publicId }
    })
  }
}
