import { Exception } from '@adonisjs/core/exceptions'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { publicIds } from '#services/public_id'

export const teamIds = publicIds('team')
export const personIds = publicIds('person')

export type TeamRow = { id: number; name: string; publicId: string }

/**
 * A team of this organisation by public id; another organisation's team,
 * or an id that decodes to nothing, is a 404.
 */
export async function findOrganizationTeam(
  organizationId: number,
  publicId: unknown,
  client: TransactionClientContract
): Promise<TeamRow> {
  const id = teamIds.decode(publicId)
  const row =
    id === null
      ? null
      : await client
          .from('teams')
          .where('organization_id', organizationId)
          .where('id', id)
          .select('id', 'name')
          .first()
  if (!row) throw new Exception('No such team.', { status: 404, code: 'E_ROW_NOT_FOUND' })
  return { id: row.id, name: row.name, publicId: teamIds.encode(row.id) }
}

/** whether another team of the organisation has this name (case-insensitively) */
export async function teamNameTaken(
  organizationId: number,
  name: string,
  exceptId: number | null,
  client: TransactionClientContract
) {
  const query = client
    .from('teams')
    .where('organization_id', organizationId)
    .whereRaw('LOWER(name) = ?', [name.toLowerCase()])
  if (exceptId !== null) query.whereNot('id', exceptId)
  return Boolean(await query.select('id').first())
}
