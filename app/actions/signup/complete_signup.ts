import { FormRefusalException } from '#exceptions/form_refusal'
import string from '@adonisjs/core/helpers/string'
import db from '@adonisjs/lucid/services/db'
import Membership from '#models/membership'
import Organization from '#models/organization'
import SignupRequest from '#models/signup_request'
import User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { recordMarketingConsent } from '#services/marketing/consent'
import { sqlTime, updatedExactlyOne } from '#services/sql'
import { sha256 } from '#services/one_time_tokens'
import { assertAcceptablePassword, createUserWithPassword } from '#services/passwords'
import {
  eventUser,
  publishCoreEvent,
  publishMembershipChanged,
} from '#actions/plugins/queue_plugin_hook'

export class SignupLinkInvalidException extends FormRefusalException {
  static status = 404
  static code = 'E_SIGNUP_LINK_INVALID'

  constructor() {
    super('This sign-up link is invalid, was already used, or has expired. Ask for a new one.')
  }
}

/**
 * Second step of open sign-up: the confirmed address becomes the owner
 * of a new organisation. A second factor is still required before use.
 */
export default class CompleteSignup {
  async findValid(token: string) {
    return SignupRequest.query()
      .where('token_hash', sha256(token))
      .whereNull('used_at')
      .where('expires_at', '>', sqlTime())
      .first()
  }

  async execute(input: {
    token: string
    fullName: string
    organizationName: string
    password: string
    /** the product-emails box was checked (stored with its wording) */
    marketingConsent?: boolean
    meta: RequestMeta
  }) {
    const request = await this.findValid(input.token)
    if (!request) throw new SignupLinkInvalidException()
    await assertAcceptablePassword(input.password, {
      email: request.email,
      fullName: input.fullName,
    })
    const created = await db.transaction(async (trx) => {
      const claimed = await trx
        .from('signup_requests')
        .where('id', request.id)
        .whereNull('used_at')
        .update({ used_at: sqlTime() })
      if (!updatedExactlyOne(claimed)) throw new SignupLinkInvalidException()
      if (await User.query({ client: trx }).where('email', request.email).first())
        throw new SignupLinkInvalidException()
      const user = await createUserWithPassword(
        { email: request.email, fullName: input.fullName, password: input.password },
        trx
      )
      if (input.marketingConsent) {
        recordMarketingConsent(user)
        await user.useTransaction(trx).save()
      }
      const name = input.organizationName.trim()
      const base = string.slug(name, { lower: true }).slice(0, 60) || 'organisation'
      const taken = await Organization.query({ client: trx }).where('slug', base).first()
      const slug = taken ? `${base}-${string.random(6).toLowerCase()}` : base
      const organization = await Organization.create({ name, slug, isDemo: false }, { client: trx })
      await Membership.create(
        { organizationId: organization.id, userId: user.id, role: 'owner' },
        { client: trx }
      )
      await recordAudit(
        {
          event: 'organization.created',
          actorId: user.id,
          organizationId: organization.id,
          subject: name,
          meta: input.meta,
        },
        trx
      )
      await recordAudit(
        {
          event: 'user.created',
          actorId: user.id,
          organizationId: organization.id,
          subject: user.email,
          meta: input.meta,
        },
        trx
      )
      return { user, organization }
    })
    await publishCoreEvent('user.created', { user: eventUser(created.user) })
    await publishMembershipChanged({
      organization: created.organization,
      user: created.user,
      role: 'owner',
      previousRole: null,
    })
    return created
  }
}
