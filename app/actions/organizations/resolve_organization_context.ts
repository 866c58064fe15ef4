import db from '@adonisjs/lucid/services/db'
import Membership from '#models/membership'
import Organization from '#models/organization'
import type User from '#models/user'
import { membershipsReadWithUser } from '#services/auth/session_user_provider'

/**
 * The organisation a signed-in user is acting on: the one remembered in
 * the session if they still belong to it, else their first membership.
 * Runs on every signed-in request, so memberships and their organisations
 * are read in one joined query (a preload was a second one per page), or
 * taken from the session guard's read of the user (the same statement).
 */
export default class ResolveOrganizationContext {
  async execute(user: User, rememberedOrganizationId: unknown) {
    const all = membershipsReadWithUser(user) ?? (await this.read(user))
    if (all.length === 0) return null
    const current =
      all.find((membership) => membership.organizationId === rememberedOrganizationId) ?? all[0]
    return { membership: current, organization: current.organization, all }
  }

  private async read(user: User): Promise<Membership[]> {
    const organizationColumns = [...Organization.$columnsDefinitions.values()].map(
      ({ columnName }) => columnName
    )
    const rows = await db
      .from('memberships')
      .join('organizations', 'organizations.id', 'memberships.organization_id')
      .where('memberships.user_id', user.id)
      .select('memberships.*')
      .select(organizationColumns.map((column) => `organizations.${column} as __org_${column}`))
      .orderBy('memberships.created_at', 'asc')
      .orderBy('memberships.id', 'asc')
    return rows.map((row: Record<string, unknown>) => {
      const own: Record<string, unknown> = {}
      const organizationRow: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(row)) {
        if (key.startsWith('__org_')) organizationRow[key.slice('__org_'.length)] = value
        else own[key] = value
      }
      const membership = Membership.$createFromAdapterResult(own)!
      membership.$setRelated(
        'organization',
        Organization.$createFromAdapterResult(organizationRow)!
      )
      return membership
    })
  }
}
