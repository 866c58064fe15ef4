import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'

/**
 * Whether this user must have a second factor: superusers always, and
 * anyone belonging to an organisation that requires it (the default).
 * Only a user whose every organisation made MFA optional may sign in
 * with a password alone.
 */
export default class SecondFactorRequired {
  async execute(user: User) {
    if (user.isSuperuser) return true
    const memberships = await db
      .from('memberships')
      .join('organizations', 'organizations.id', 'memberships.organization_id')
      .where('memberships.user_id', user.id)
      .select('organizations.mfa_required as required')
    if (memberships.length === 0) return true
    return memberships.some(
      (row: { required: unknown }) => Boolean(Number(row.required)) || row.required === true
    )
  }
}
