import string from '@adonisjs/core/helpers/string'
import db from '@adonisjs/lucid/services/db'
import Membership from '#models/membership'
import Organization from '#models/organization'
import User from '#models/user'
import { CLI_META, recordAudit } from '#services/audit'
import { assertAcceptablePassword, createUserWithPassword } from '#services/passwords'
import {
  eventUser,
  publishCoreEvent,
  publishMembershipChanged,
} from '#actions/plugins/queue_plugin_hook'

export class SuperuserRefused extends Error {}

/**
 * The first administrator (or another one). Creates the first
 * organisation when none exists and makes the superuser its owner.
 */
export default class CreateSuperuser {
  async execute(input: {
    email: string
    password: string
    fullName?: string | null
    organizationName?: string | null
  }) {
    const email = input.email.trim().toLowerCase()
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
      throw new SuperuserRefused(`"${input.email}" is not an email address`)
    if (await User.findBy('email', email))
      throw new SuperuserRefused(`a user with email ${email} already exists`)
    await assertAcceptablePassword(input.password, { email, fullName: input.fullName })

    const created = await db.transaction(async (trx) => {
      const user = await createUserWithPassword(
        { email, fullName: input.fullName, password: input.password, isSuperuser: true },
        trx
      )
      let organization = await Organization.query({ client: trx }).orderBy('id', 'asc').first()
      let createdOrganization = false
      if (!organization) {
        const name = input.organizationName?.trim() || 'My organisation'
        organization = await Organization.create(
          {
            name,
            slug: `${string.slug(name, { lower: true }).slice(0, 60) || 'organisation'}`,
            isDemo: false,
          },
          { client: trx }
        )
        createdOrganization = true
        await recordAudit(
          {
            event: 'organization.created',
            actorId: user.id,
            organizationId: organization.id,
            subject: name,
            meta: CLI_META,
          },
          trx
        )
      }
      await Membership.create(
        { organizationId: organization.id, userId: user.id, role: 'owner' },
        { client: trx }
      )
      await recordAudit(
        {
          event: 'user.created',
          actorId: user.id,
          organizationId: organization.id,
          subject: email,
          meta: CLI_META,
          details: { superuser: true },
        },
        trx
      )
      return { user, organization, createdOrganization }
    })
    // after commit, through the queue: a failing plugin never fails the command
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
