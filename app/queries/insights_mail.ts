import db from '@adonisjs/lucid/services/db'
import { publicIds } from '#services/public_id'
import { roleAllows } from '#services/authorization'

const membershipIds = publicIds('membership')

export type MailRecipient = {
  membershipPublicId: string
  email: string
  name: string | null
  role: string
}

/**
 * The members of an organisation who receive its insights mail: not
 * stopped by them (settings or a digest's unsubscribe link), with an
 * account that is not locked. `managersOnly` keeps those who may change
 * the agreements (alerts go to them).
 */
export async function insightsMailRecipients(
  organizationId: number,
  options: { managersOnly: boolean }
): Promise<MailRecipient[]> {
  const rows = await db
    .from('memberships as m')
    .join('users as u', 'u.id', 'm.user_id')
    .where('m.organization_id', organizationId)
    .whereNull('m.insights_mail_stopped_at')
    .whereNull('u.locked_at')
    .select('m.id', 'm.role', 'u.email', 'u.full_name')
    .orderBy('m.id')
  return rows
    .filter((row) => !options.managersOnly || roleAllows(row.role, 'organization.manage'))
    .map((row) => ({
      membershipPublicId: membershipIds.encode(row.id),
      email: row.email,
      name: row.full_name,
      role: row.role,
    }))
}
