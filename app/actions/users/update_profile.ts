import { FormRefusalException } from '#exceptions/form_refusal'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { publicIds } from '#services/public_id'
import { eventUser, publishCoreEvent } from '#actions/plugins/queue_plugin_hook'
import type { CoreEvents } from '#plugin-sdk/lifecycle'
import { recordMarketingConsent, withdrawMarketingConsent } from '#services/marketing/consent'

type Changed = CoreEvents['user.updated']['changed']

export class EmailTakenException extends FormRefusalException {
  static status = 422
  static code = 'E_EMAIL_TAKEN'
}

/**
 * A person changes their own name, email or marketing consent (the route
 * asks for a fresh password or code first). An email another account
 * uses is refused. Once committed, plugins hear of it through the
 * user.updated core event (a marketing audience follows the change),
 * from the queue: a failing plugin never fails the change.
 */
export default class UpdateProfile {
  async execute(input: {
    user: User
    fullName: string | null
    email: string
    /** undefined: unchanged (the profile form may leave it out) */
    marketingConsent?: boolean
    meta: RequestMeta
  }) {
    const { user } = input
    const email = input.email.trim().toLowerCase()
    const fullName = input.fullName?.trim() || null
    const previous = {
      email: user.email,
      fullName: user.fullName,
      marketingConsent: user.marketingConsent,
    }
    const changed: Changed = []
    if (email !== user.email) changed.push('email')
    if (fullName !== user.fullName) changed.push('fullName')
    if (input.marketingConsent !== undefined && input.marketingConsent !== user.marketingConsent) {
      changed.push('marketingConsent')
    }
    if (changed.length === 0) return { user, changed }

    await db.transaction(async (trx) => {
      if (changed.includes('email')) {
        const taken = await User.query({ client: trx })
          .whereRaw('lower(email) = ?', [email])
          .whereNot('id', user.id)
          .first()
        if (taken) {
          throw new EmailTakenException('Another account already uses this email address.', {
            field: 'email',
          })
        }
      }
      user.useTransaction(trx)
      user.merge({ email, fullName })
      if (changed.includes('marketingConsent')) {
        if (input.marketingConsent) recordMarketingConsent(user)
        else withdrawMarketingConsent(user, 'user')
      }
      await user.save()
      await recordAudit(
        {
          event: 'user.updated',
          actorId: user.id,
          subject: email,
          meta: input.meta,
          details: { changed },
        },
        trx
      )
    })

    const memberships = await db
      .from('memberships')
      .where('user_id', user.id)
      .select('organization_id')
    await publishCoreEvent('user.updated', {
      user: eventUser(user),
      organizationPublicIds: memberships.map((row) =>
        publicIds('organization').encode(Number(row.organization_id))
      ),
      changed,
      previous: {
        ...(changed.includes('email') ? { email: previous.email } : {}),
        ...(changed.includes('fullName') ? { fullName: previous.fullName } : {}),
        ...(changed.includes('marketingConsent')
          ? { marketingConsent: previous.marketingConsent }
          : {}),
      },
      marketingConsent: user.marketingConsent,
    })
    return { user, changed }
  }
}
