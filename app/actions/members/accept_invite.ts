import { FormRefusalException } from '#exceptions/form_refusal'
import db from '@adonisjs/lucid/services/db'
import Invite from '#models/invite'
import Membership from '#models/membership'
import User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { sha256 } from '#services/one_time_tokens'
import { sqlTime, updatedExactlyOne } from '#services/sql'
import { assertAcceptablePassword, createUserWithPassword } from '#services/passwords'
import { recordMarketingConsent } from '#services/marketing/consent'
import {
  eventUser,
  publishCoreEvent,
  publishMembershipChanged,
} from '#actions/plugins/queue_plugin_hook'

/**
 * One message for every reason an invitation cannot be used (unknown,
 * expired, revoked, used, or another email), so the form does not tell
 * which addresses were invited.
 */
export class InviteInvalidException extends FormRefusalException {
  static status = 422
  static code = 'E_INVITE_INVALID'

  constructor() {
    super('This invitation is not valid for this email address, or it has expired.')
  }
}

export default class AcceptInvite {
  async findPending(token: string) {
    const invite = await Invite.query()
      .where('token_hash', sha256(token))
      .preload('organization')
      .first()
    return invite?.isPending ? invite : null
  }

  /**
   * Creates the account from the invitation (the email must be the
   * invited one) and joins the organisation. The new user still has to
   * enrol a second factor before anything else.
   */
  async execute(input: {
    token: string
    email: string
    fullName: string
    password: string
    /** the unchecked product-emails box was checked: recorded as on the Security page */
    marketingConsent?: boolean
    meta: RequestMeta
  }) {
    const email = input.email.trim().toLowerCase()
    const invite = await this.findPending(input.token)
    if (!invite || invite.email !== email) throw new InviteInvalidException()
    if (await User.findBy('email', email)) throw new InviteInvalidException()
    await assertAcceptablePassword(input.password, { email, fullName: input.fullName })

    const joined = await db.transaction(async (trx) => {
      const claimed = await trx
        .from('invites')
        .where('id', invite.id)
        .whereNull('accepted_at')
        .whereNull('revoked_at')
        .update({ accepted_at: sqlTime() })
      if (!updatedExactlyOne(claimed)) throw new InviteInvalidException()
      const user = await createUserWithPassword(
        { email, fullName: input.fullName, password: input.password },
        trx
      )
      if (input.marketingConsent) {
        recordMarketingConsent(user)
        await user.useTransaction(trx).save()
      }
      await Membership.create(
        { organizationId: invite.organizationId, userId: user.id, role: invite.role },
        { client: trx }
      )
      await recordAudit(
        {
          event: 'invite.accepted',
          actorId: user.id,
          organizationId: invite.organizationId,
          subject: email,
          meta: input.meta,
          details: { role: invite.role },
        },
        trx
      )
      return { user, organization: invite.organization }
    })
    await publishCoreEvent('user.created', { user: eventUser(joined.user) })
    await publishMembershipChanged({
      organization: joined.organization,
      user: joined.user,
      role: invite.role,
      previousRole: null,
    })
    return joined
  }
}
