import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { findOrganizationTeam, personIds } from '#actions/teams/find_team'
import { TeamRefusedException } from '#actions/teams/team_refusal'

/**
 * Adds one of the organisation's people to a team (already there: no
 * change). A person of another organisation is refused like an unknown one.
 */
export default class AddTeamMember {
  async execute(input: {
    organizationId: number
    actor: User
    meta: RequestMeta
    teamPublicId: string
    personPublicId: string
  }) {
    return db.transaction(async (trx) => {
      const team = await findOrganizationTeam(input.organizationId, input.teamPublicId, trx)
      const personId = personIds.decode(input.personPublicId)
      const person =
        personId === null
          ? null
          : await trx
              .from('people')
              .where('organization_id', input.organizationId)
              .where('id', personId)
              .select('id', 'display_name')
              .first()
      if (!person)
        throw new TeamRefusedException('person', 'Choose one of the organisation’s people.')
      const already = await trx
        .from('team_members')
        .where('team_id', team.id)
        .where('person_id', person.id)
        .first()
      if (!already) {
        await trx.insertQuery().table('team_members').insert({
          organization_id: input.organizationId,
          team_id: team.id,
          person_id: person.id,
        })
        await recordAudit(
          {
            event: 'team.member_added',
            actorId: input.actor.id,
            organizationId: input.organizationId,
            subject: team.name,
            meta: input.meta,
            details: { team: team.publicId, person: input.personPublicId },
          },
          trx
        )
      }
      return { team, personName: person.display_name as string }
    })
  }
}
