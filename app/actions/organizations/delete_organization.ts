import db from '@adonisjs/lucid/services/db'
import type Organization from '#models/organization'
import { CLI_META, recordAudit, type RequestMeta } from '#services/audit'
import type { DeletionPlan } from '#services/organization_deletion_types'
import DeleteOrganizationData, {
  type DeletionReport,
} from '#actions/organizations/delete_organization_data'

export type OrganizationPlan = DeletionPlan & {
  memberships: number
  invites: number
  /** people who belong to no other organisation: their accounts are kept */
  usersLeftWithout: number
}

export type OrganizationDeletion = {
  data: DeletionReport
  /** false when part of the data could not go (a provider clean-up failed): run it again */
  deleted: boolean
  tokensRevoked: number
}

/**
 * Deletes an organisation entirely: its data as DeleteOrganizationData
 * does (connections through their plugins, rows, documents, snapshots),
 * then, in one transaction, its invitations, memberships and the
 * organisation row with its settings. People's accounts stay: someone
 * left in no organisation can be invited elsewhere or erased separately;
 * their API tokens are revoked (they no longer open anything). The audit
 * entry keeps the name, public id and counts (its organisation column
 * goes empty with the row).
 */
export default class DeleteOrganization {
  async plan(organization: Organization): Promise<OrganizationPlan> {
    const data = await new DeleteOrganizationData().plan(organization)
    const members = await memberIds(organization.id)
    const alone = await withoutOtherOrganization(organization.id, members)
    return {
      ...data,
      memberships: members.length,
      invites: await countOf('invites', organization.id),
      usersLeftWithout: alone.length,
    }
  }

  async execute(input: {
    organization: Organization
    actorId?: number | null
    meta?: RequestMeta
    onProgress?: (line: string) => void
  }): Promise<OrganizationDeletion> {
    const { organization } = input
    const progress = input.onProgress ?? (() => {})
    const data = await new DeleteOrganizationData().execute(input)
    if (data.disconnectFailures.length > 0 || data.documentsFailed > 0) {
      progress('the organisation is kept until everything above is gone: run it again')
      return { data, deleted: false, tokensRevoked: 0 }
    }
    const tokensRevoked = await db.transaction(async (trx) => {
      const memberRows = await trx.from('memberships').where('organization_id', organization.id)
      const members = memberRows.map((row) => Number(row.user_id))
      const alone = await withoutOtherOrganization(organization.id, members, trx)
      const invites = await trx.from('invites').where('organization_id', organization.id).delete()
      const memberships = await trx
        .from('memberships')
        .where('organization_id', organization.id)
        .delete()
      const tokens = alone.length
        ? await trx.from('auth_access_tokens').whereIn('tokenable_id', alone).delete()
        : 0
      await recordAudit(
        {
          event: 'organization.deleted',
          actorId: input.actorId ?? null,
          subject: `${organization.name} (${organization.publicId})`,
          meta: input.meta ?? CLI_META,
          details: {
            publicId: organization.publicId,
            memberships: affected(memberships),
            invites: affected(invites),
            usersKeptWithoutOrganization: alone.length,
            tokensRevoked: affected(tokens),
          },
        },
        trx
      )
      await trx.from('organizations').where('id', organization.id).delete()
      return affected(tokens)
    })
    progress(`organisation ${organization.name} deleted; ${tokensRevoked} API tokens revoked`)
    return { data, deleted: true, tokensRevoked }
  }
}

function affected(result: unknown) {
  return Number(Array.isArray(result) ? result[0] : result) || 0
}

async function countOf(table: string, organizationId: number) {
  const [{ total }] = await db
    .from(table)
    .where('organization_id', organizationId)
    .count('* as total')
  return Number(total)
}

async function memberIds(organizationId: number) {
  const rows = await db.from('memberships').where('organization_id', organizationId)
  return rows.map((row) => Number(row.user_id))
}

/** of these users, those with no membership in another organisation */
async function withoutOtherOrganization(
  organizationId: number,
  userIds: number[],
  client = db.connection() as Pick<typeof db, 'from'>
) {
  if (userIds.length === 0) return []
  const elsewhere = await client
    .from('memberships')
    .whereIn('user_id', userIds)
    .whereNot('organization_id', organizationId)
    .distinct('user_id')
  const kept = new Set(elsewhere.map((row) => Number(row.user_id)))
  return userIds.filter((id) => !kept.has(id))
}
