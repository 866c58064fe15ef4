import db from '@adonisjs/lucid/services/db'
import { Exception } from '@adonisjs/core/exceptions'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { AGREEMENT_KINDS, isAgreementKind } from '#services/agreements/kinds'
import { agreementIds } from '#queries/working_agreements'
import { invalidateInsights } from '#services/insights/cache'

/** Removes a working agreement and its alert history. */
export default class DeleteWorkingAgreement {
  async execute(input: {
    organizationId: number
    actor: User
    meta: RequestMeta
    agreementPublicId: string
  }) {
    const id = agreementIds.decode(input.agreementPublicId)
    const removed = await db.transaction(async (trx) => {
      const row =
        id === null
          ? null
          : await trx
              .from('working_agreements')
              .where('organization_id', input.organizationId)
              .where('id', id)
              .forUpdate()
              .first()
      if (!row)
        throw new Exception('No such working agreement.', { status: 404, code: 'E_ROW_NOT_FOUND' })
      const kind: unknown = row.kind
      const description = isAgreementKind(kind)
        ? AGREEMENT_KINDS[kind].describe(Number(row.threshold))
        : String(kind)
      await trx.from('working_agreements').where('id', row.id).delete()
      await recordAudit(
        {
          event: 'working_agreement.deleted',
          actorId: input.actor.id,
          organizationId: input.organizationId,
          subject: description,
          meta: input.meta,
          details: { agreement: input.agreementPublicId },
        },
        trx
      )
      return { description }
    })
    // its weeks went with it (cascade); the pages' cached strip must not show it
    await invalidateInsights(input.organizationId)
    return removed
  }
}
