import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { AGREEMENT_KINDS, type AgreementKind } from '#services/agreements/kinds'
import { agreementIds } from '#queries/working_agreements'
import { recentWeeks } from '#services/agreements/adherence'
import { recordAdherenceWeeks } from '#services/agreements/adherence_weeks'
import { teamIds } from '#actions/teams/find_team'
import { AgreementRefusedException } from '#actions/agreements/agreement_refusal'

/**
 * A target the organisation, or one of its teams, agrees on: e.g. the
 * first review within 24 hours for at least 90% of pull requests.
 */
export default class CreateWorkingAgreement {
  async execute(input: {
    organizationId: number
    actor: User
    meta: RequestMeta
    kind: AgreementKind
    threshold: number
    targetPercent: number
    teamPublicId?: string
  }) {
    const definition = AGREEMENT_KINDS[input.kind]
    if (input.threshold > definition.max) {
      throw new AgreementRefusedException(
        'threshold',
        `${definition.label} takes at most ${definition.max} ${definition.unit}.`
      )
    }
    const created = await db.transaction(async (trx) => {
      let teamId: number | null = null
      if (input.teamPublicId) {
        if (!definition.teams) {
          throw new AgreementRefusedException(
            'team',
            `“${definition.describe(input.threshold)}” is about repositories, not people: set it for the organisation.`
          )
        }
        const decoded = teamIds.decode(input.teamPublicId)
        const team =
          decoded === null
            ? null
            : await trx
                .from('teams')
                .where('organization_id', input.organizationId)
                .where('id', decoded)
                .first()
        if (!team)
          throw new AgreementRefusedException('team', 'Choose one of the organisation’s teams.')
        teamId = team.id
      }
      const now = new Date()
      const [inserted] = await trx
        .insertQuery()
        .table('working_agreements')
        .insert({
          organization_id: input.organizationId,
          team_id: teamId,
          kind: input.kind,
          threshold: input.threshold,
          target_percent: input.targetPercent,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
      const id = Number(typeof inserted === 'object' ? inserted.id : inserted)
      const description = `${definition.describe(input.threshold)} for ${input.targetPercent}%`
      await recordAudit(
        {
          event: 'working_agreement.created',
          actorId: input.actor.id,
          organizationId: input.organizationId,
          subject: description,
          meta: input.meta,
          details: { agreement: agreementIds.encode(id) },
        },
        trx
      )
      return { id, teamId, publicId: agreementIds.encode(id), description }
    })
    // its last eight weeks at once, so the pages' strip is not empty until the daily check
    await recordAdherenceWeeks(
      {
        id: created.id,
        organizationId: input.organizationId,
        kind: input.kind,
        threshold: input.threshold,
        teamId: created.teamId,
      },
      recentWeeks(new Date(), 8),
      new Date()
    )
    return { publicId: created.publicId, description: created.description }
  }
}
