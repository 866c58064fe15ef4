import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { publicIds } from '#services/public_id'
import { insertedId, sqlTime } from '#services/sql'
import { markAllActivityDirty } from '#services/domain/activity_start'
import {
  IdentityNotFoundException,
  IdentityRefusedException,
} from '#actions/identity/identity_refusal'

/**
 * Takes one provider identity out of its person into a person of its own
 * (a wrong automatic match, two engineers sharing a mailbox). The
 * identity becomes the admin's choice (manual): automatic matching by
 * email or link never puts it back.
 */
export default class SplitIdentity {
  async execute(input: {
    organizationId: number
    actor: User
    meta: RequestMeta
    identityPublicId: string
  }) {
    const identityId = publicIds('contributor').decode(input.identityPublicId)
    const result = await db.transaction(async (trx) => {
      const identity = identityId
        ? await trx
            .from('contributors')
            .where('organization_id', input.organizationId)
            .where('id', identityId)
            .select('id', 'person_id', 'provider', 'login', 'name')
            .first()
        : null
      if (!identity?.person_id) {
        throw new IdentityNotFoundException('This identity is not in the list any more.')
      }
      const [{ total }] = await trx
        .from('contributors')
        .where('person_id', identity.person_id)
        .count('* as total')
      if (Number(total) < 2) {
        throw new IdentityRefusedException(`${identity.login} is already a person of its own.`)
      }
      const now = sqlTime()
      const inserted = await trx
        .insertQuery()
        .table('people')
        .insert({
          organization_id: input.organizationId,
          display_name: String(identity.name || identity.login).slice(0, 255),
          email: null,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
      const personId = insertedId(inserted)
      if (!personId) throw new Error('The new person was not written')
      await trx
        .from('contributors')
        .where('id', identity.id)
        .update({ person_id: personId, person_source: 'manual', updated_at: now })
      await recordAudit(
        {
          event: 'person.split',
          actorId: input.actor.id,
          organizationId: input.organizationId,
          subject: `${identity.login} (${identity.provider})`,
          meta: input.meta,
        },
        trx
      )
      return { login: identity.login as string, provider: identity.provider as string }
    })
    await markAllActivityDirty(input.organizationId)
    return result
  }
}
