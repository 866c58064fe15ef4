import { randomBytes } from 'node:crypto'
import { Exception } from '@adonisjs/core/exceptions'
import { FormRefusalException } from '#exceptions/form_refusal'
import hash from '@adonisjs/core/services/hash'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import User from '#models/user'
import { CLI_META, recordAudit, type RequestMeta } from '#services/audit'
import { publicIds } from '#services/public_id'
import { sqlTime } from '#services/sql'
import { destroyUserSessions } from '#services/user_sessions'
import { eventUser, publishCoreEvent } from '#actions/plugins/queue_plugin_hook'

export type ErasureReport = {
  placeholder: string
  auditEventsAnonymised: number
  peopleAnonymised: number
  identitiesAnonymised: number
  sessionsRevoked: number
}

/**
 * Erases a person (GDPR): the account stays as an anonymous shell so what
 * they contributed keeps its place, but nothing about them is left. Their
 * name goes and their email becomes a placeholder; password, second
 * factors (TOTP, passkeys), recovery codes, password resets, API tokens,
 * memberships and pending invitations go; the audit trail keeps its
 * events without their actor, address or browser; in the identity layer
 * the people matched on their email become "Anonymous person" and the
 * provider identities linked to them lose their name, email and explicit
 * links (and are no longer matched automatically). All in one
 * transaction; then their sessions end and plugins hear user.deleted
 * (with the old address, so a marketing audience drops it).
 *
 * Nobody erases themselves, and an organisation's last owner is not
 * erased (make someone else owner first).
 */
export default class EraseUser {
  async execute(input: { identifier: string; actor?: User | null; meta?: RequestMeta }): Promise<{
    user: User
    before: { publicId: string; email: string; fullName: string | null }
    report: ErasureReport
  }> {
    const user = await findUser(input.identifier)
    if (input.actor && user.id === input.actor.id) {
      throw new FormRefusalException('You cannot erase your own account.', {
        code: 'E_ERASE_SELF',
      })
    }
    const before = { publicId: user.publicId, email: user.email, fullName: user.fullName }
    const placeholder = `erased-${user.publicId.toLowerCase()}@erased.invalid`
    const { organizationIds, report } = await db.transaction(async (trx) => {
      const memberships = await trx.from('memberships').where('user_id', user.id)
      await refuseLastOwner(trx, user, memberships)
      const email = before.email.toLowerCase()

      // the account: a shell nobody can sign in to
      await trx
        .from('users')
        .where('id', user.id)
        .update({
          email: placeholder,
          full_name: null,
          password: await hash.make(randomBytes(32).toString('hex')),
          is_superuser: false,
          // the consent record is personal data too (user.deleted drops them from audiences)
          marketing_consent_at: null,
          marketing_consent_text: null,
          marketing_consent_withdrawn_at: null,
          marketing_consent_withdrawn_by: null,
          locked_at: sqlTime(),
          updated_at: sqlTime(),
        })
      for (const table of [
        'mfa_factors',
        'recovery_codes',
        'password_histories',
        'password_resets',
      ]) {
        await trx.from(table).where('user_id', user.id).delete()
      }
      await trx.from('auth_access_tokens').where('tokenable_id', user.id).delete()
      await trx.from('memberships').where('user_id', user.id).delete()
      await trx.from('invites').whereRaw('LOWER(email) = ?', [email]).delete()
      await trx.from('invites').where('invited_by_id', user.id).update({ invited_by_id: null })

      // the audit trail: the events stay, the person goes
      const byThem = await trx
        .from('audit_events')
        .where('actor_id', user.id)
        .update({ actor_id: null, ip: null, user_agent: null })
      const aboutThem = await trx
        .from('audit_events')
        .whereRaw('LOWER(subject) = ?', [email])
        .update({ subject: placeholder })

      // the identity layer: contributions stay, attributed to an anonymous person
      const people = await trx.from('people').where('email', email).select('id')
      const personIds = people.map((row) => row.id)
      if (personIds.length > 0) {
        await trx
          .from('people')
          .whereIn('id', personIds)
          .update({ display_name: 'Anonymous person', email: null, updated_at: sqlTime() })
      }
      const identities = await trx
        .from('contributors')
        .where((where) => {
          where.whereRaw('LOWER(email) = ?', [email])
          if (personIds.length > 0) where.orWhereIn('person_id', personIds)
        })
        .update({
          name: null,
          email: null,
          email_verified: false,
          linked_identities: null,
          person_source: 'manual',
        })
      await trx
        .from('commits')
        .whereRaw('LOWER(author_email) = ?', [email])
        .update({ author_email: null, author_name: null })

      const counts = {
        placeholder,
        auditEventsAnonymised: affected(byThem) + affected(aboutThem),
        peopleAnonymised: personIds.length,
        identitiesAnonymised: affected(identities),
        sessionsRevoked: 0,
      }
      await recordAudit(
        {
          event: 'user.erased',
          actorId: input.actor?.id ?? null,
          subject: placeholder,
          meta: input.meta ?? CLI_META,
          details: { ...counts, memberships: memberships.length },
        },
        trx
      )
      return {
        organizationIds: memberships.map((membership) => Number(membership.organization_id)),
        report: counts,
      }
    })
    report.sessionsRevoked = await destroyUserSessions(user.id, { allExcept: null })
    await publishCoreEvent('user.deleted', {
      user: eventUser(before),
      organizationPublicIds: organizationIds.map((id) => publicIds('organization').encode(id)),
    })
    await user.refresh()
    return { user, before, report }
  }
}

/** an email (any case) or a public id; a 404 otherwise */
async function findUser(identifier: string) {
  const value = identifier.trim()
  const user = value.includes('@')
    ? await User.query().whereRaw('LOWER(email) = ?', [value.toLowerCase()]).first()
    : await User.findByPublicId(value)
  if (!user) {
    throw new Exception(`No account "${value}" (its email or public id).`, {
      status: 404,
      code: 'E_USER_NOT_FOUND',
    })
  }
  return user
}

async function refuseLastOwner(
  trx: TransactionClientContract,
  user: User,
  memberships: Array<{ role: string; organization_id: number }>
) {
  for (const membership of memberships) {
    if (membership.role !== 'owner') continue
    const [{ total }] = await trx
      .from('memberships')
      .where('organization_id', membership.organization_id)
      .where('role', 'owner')
      .count('* as total')
    if (Number(total) <= 1) {
      throw new FormRefusalException(
        `${user.email} is the last owner of an organisation; make someone else owner first.`,
        { code: 'E_LAST_OWNER' }
      )
    }
  }
}

function affected(result: unknown) {
  return Number(Array.isArray(result) ? result[0] : result) || 0
}
