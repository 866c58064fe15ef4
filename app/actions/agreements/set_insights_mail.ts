import db from '@adonisjs/lucid/services/db'
import { Exception } from '@adonisjs/core/exceptions'
import Membership from '#models/membership'

/**
 * A member's choice to receive the insights mail of one organisation
 * (the weekly digest and agreement alerts), from their settings or the
 * unsubscribe link of a digest. Idempotent: stopping twice keeps the
 * first moment.
 */
export default class SetInsightsMail {
  async execute(input: { membershipPublicId: string; receive: boolean; organizationId?: number }) {
    const query = db
      .from('memberships')
      .where('id', Membership.keyFromPublicId(input.membershipPublicId) ?? 0)
    if (input.organizationId !== undefined) query.where('organization_id', input.organizationId)
    const membership = await query.select('id', 'insights_mail_stopped_at').first()
    if (!membership)
      throw new Exception('No such membership.', { status: 404, code: 'E_ROW_NOT_FOUND' })
    if (input.receive) {
      await db
        .from('memberships')
        .where('id', membership.id)
        .update({ insights_mail_stopped_at: null })
    } else if (!membership.insights_mail_stopped_at) {
      await db
        .from('memberships')
        .where('id', membership.id)
        .update({ insights_mail_stopped_at: new Date() })
    }
    return { receive: input.receive }
  }
}
