import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import AuditEvent from '#models/audit_event'
import User from '#models/user'
import { sqlTime } from '#services/sql'

export type AuditFilters = {
  event?: string | null
  actor?: string | null
  from?: string | null
  to?: string | null
  page?: number
}

/**
 * The audit log, newest first: one organisation's (org admins) or all of
 * it (superusers, organisationId null). An organisation's log holds its
 * own events and the account events (sign-ins, MFA, passwords) of its
 * members.
 */
export default class ListAuditEvents {
  async execute(organizationId: number | null, filters: AuditFilters) {
    const query = AuditEvent.query()
      .preload('actor')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
    if (organizationId !== null) {
      query.where((scope) => {
        scope.where('organization_id', organizationId).orWhere((accountEvents) => {
          accountEvents
            .whereNull('organization_id')
            .whereIn(
              'actor_id',
              db.from('memberships').select('user_id').where('organization_id', organizationId)
            )
        })
      })
    }
    if (filters.event) query.where('event', filters.event)
    if (filters.actor) {
      const actorId = User.keyFromPublicId(filters.actor)
      query.where('actor_id', actorId ?? 0)
    }
    const from = filters.from ? DateTime.fromISO(filters.from, { zone: 'utc' }) : null
    const to = filters.to ? DateTime.fromISO(filters.to, { zone: 'utc' }).plus({ days: 1 }) : null
    if (from?.isValid) query.where('created_at', '>=', sqlTime(from))
    if (to?.isValid) query.where('created_at', '<', sqlTime(to))
    return query.paginate(Math.max(1, filters.page ?? 1), 50)
  }
}
