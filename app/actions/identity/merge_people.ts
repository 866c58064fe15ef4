import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { publicIds } from '#services/public_id'
import { sqlTime } from '#services/sql'
import { markAllActivityDirty } from '#services/domain/activity_start'
import { IdentityRefusedException } from '#actions/identity/identity_refusal'

/**
 * Makes several people one: the one created first keeps its name and
 * email and gets every identity; the others go. The identities become
 * the admin's choice (manual), so automatic matching never moves them
 * back.
 */
export default class MergePeople {
  async execute(input: {
    organizationId: number
    actor: User
    meta: RequestMeta
    personPublicIds: string[]
  }) {
    const ids = [...new Set(input.personPublicIds.map((id) => publicIds('person').decode(id)))]
    if (ids.length < 2) throw new IdentityRefusedException('Choose at least two people to merge.')
    if (ids.some((id) => id === null)) {
      throw new IdentityRefusedException('One of the chosen people is not in the list any more.')
    }
    const result = await db.transaction(async (trx) => {
      const people = await trx
        .from('people')
        .where('organization_id', input.organizationId)
        .whereIn('id', ids as number[])
        .orderBy('id')
        .select('id', 'display_name', 'email')
      if (people.length !== ids.length) {
        throw new IdentityRefusedException('One of the chosen people is not in the list any more.')
      }
      const [kept, ...merged] = people
      const mergedIds = merged.map((person) => person.id as number)
      await trx
        .from('contributors')
        .where('organization_id', input.organizationId)
        .whereIn('person_id', [kept.id, ...mergedIds])
        .update({ person_id: kept.id, person_source: 'manual', updated_at: sqlTime() })
      await trx.from('people').whereIn('id', mergedIds).delete()
      // the kept person answers for the emails the others were matched on
      if (!kept.email) {
        const email = merged.find((person) => person.email)?.email ?? null
        if (email) await trx.from('people').where('id', kept.id).update({ email })
      }
      await recordAudit(
        {
          event: 'people.merged',
          actorId: input.actor.id,
          organizationId: input.organizationId,
          subject: kept.display_name,
          meta: input.meta,
          details: { merged: merged.map((person) => person.display_name) },
        },
        trx
      )
      return { displayName: kept.display_name as string, merged: merged.length }
    })
    await markAllActivityDirty(input.organizationId)
    return result
  }
}
