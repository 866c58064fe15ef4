import { FormRefusalException } from '#exceptions/form_refusal'
import { DateTime } from 'luxon'
import string from '@adonisjs/core/helpers/string'
import edge from 'edge.js'
import db from '@adonisjs/lucid/services/db'
import { appUrl } from '#config/app'
import sextantConfig from '#config/sextant'
import Invite from '#models/invite'
import Membership from '#models/membership'
import type Organization from '#models/organization'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { ROLES, type RoleName } from '#services/authorization'
import { sendMail } from '#services/mailer'
import { mayMail } from '#services/mail_throttle'
import { newUrlToken } from '#services/one_time_tokens'
import { sqlTime } from '#services/sql'

/** an invitation the inviter may not make (a role above theirs, a member already) */
export class InviteRefusedException extends FormRefusalException {
  static status = 422
  static code = 'E_INVITE_REFUSED'
}

/**
 * Invites someone by email into the organisation with a role. The link
 * is single-use, expires, and works only for the invited address. A new
 * invitation to the same address replaces the pending one.
 */
export default class CreateInvite {
  async execute(input: {
    organization: Organization
    inviter: User
    inviterRole: RoleName
    email: string
    role: RoleName
    meta: RequestMeta
  }) {
    const email = input.email.trim().toLowerCase()
    if (ROLES[input.role].rank > ROLES[input.inviterRole].rank) {
      throw new InviteRefusedException(
        'You cannot invite someone with a higher role than your own.'
      )
    }
    const existing = await Membership.query()
      .where('organization_id', input.organization.id)
      .whereHas('user', (query) => query.where('email', email))
      .first()
    if (existing) throw new InviteRefusedException(`${email} is already a member.`)

    const { token, digest } = newUrlToken()
    const lifetime = string.milliseconds.parse(sextantConfig.auth.inviteLifetime)
    const invite = await db.transaction(async (trx) => {
      await Invite.query({ client: trx })
        .where('organization_id', input.organization.id)
        .where('email', email)
        .whereNull('accepted_at')
        .whereNull('revoked_at')
        .update({ revoked_at: sqlTime() })
      const created = await Invite.create(
        {
          organizationId: input.organization.id,
          email,
          role: input.role,
          tokenHash: digest,
          invitedById: input.inviter.id,
          expiresAt: DateTime.now().plus({ milliseconds: lifetime }),
        },
        { client: trx }
      )
      await recordAudit(
        {
          event: 'invite.sent',
          actorId: input.inviter.id,
          organizationId: input.organization.id,
          subject: email,
          meta: input.meta,
          details: { role: input.role },
        },
        trx
      )
      return created
    })
    const link = new URL(`/invitations/${token}`, appUrl).toString()
    const data = {
      link,
      organization: input.organization.name,
      inviter: input.inviter.displayName,
      role: ROLES[input.role].label,
      days: Math.round(lifetime / 86_400_000),
    }
    // an address gets at most a few invitation mails an hour (see mayMail);
    // the invitation exists either way and its link can be passed on
    const throttled = !(await mayMail(email, { kind: 'user', id: input.inviter.id }))
    let mailed = false
    if (!throttled) {
      mailed = await sendMail({
        to: email,
        subject: `${input.inviter.displayName} invited you to ${input.organization.name} on Sextant`,
        text: await edge.render('emails/invite_text', data),
        html: await edge.render('emails/invite_html', data),
      })
    }
    // `mailed` is false when the mail was held back (throttled) or when
    // this server has no SMTP relay: the inviter then passes the link on.
    return { invite, link, mailed, throttled, lifetimeDays: data.days }
  }
}
