import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { TeamInput } from '#plugin-sdk/domain'
import { insertedId, sqlTime } from '#services/sql'

type Fence = { organizationId: number; provider: string; connectionId: number | null }

const NAME_LENGTH = 120
const CHUNK = 500

/**
 * Writes a provider's teams as Sextant teams (DomainStore.upsertTeams):
 * each provider team is one team, found again by (provider, externalId);
 * its imported memberships become exactly the people of the named
 * contributors, memberships added by hand in Settings → Teams stay. A
 * name another team already has gets the provider in brackets
 * ("Payments (github)"). One transaction, one audit event when anything
 * changed.
 */
export async function importTeams(fence: Fence, rows: TeamInput[]) {
  if (rows.length === 0) return 0
  return db.transaction(async (trx) => {
    const changes = { created: 0, renamed: 0, added: 0, removed: 0 }
    for (const row of rows) {
      const { teamId, created, renamed } = await teamFor(trx, fence, row)
      if (created) changes.created += 1
      if (renamed) changes.renamed += 1
      const people = await peopleOf(trx, fence, row.memberExternalIds)
      const current = await trx
        .from('team_members')
        .where('organization_id', fence.organizationId)
        .where('team_id', teamId)
        .select('person_id', 'imported')
      const gone = current
        .filter((member) => Boolean(member.imported) && !people.has(Number(member.person_id)))
        .map((member) => Number(member.person_id))
      if (gone.length) {
        await trx
          .from('team_members')
          .where('organization_id', fence.organizationId)
          .where('team_id', teamId)
          .whereIn('person_id', gone)
          .delete()
        changes.removed += gone.length
      }
      const present = new Set(current.map((member) => Number(member.person_id)))
      const joining = [...people].filter((person) => !present.has(person))
      if (joining.length) {
        await trx.table('team_members').multiInsert(
          joining.map((person) => ({
            organization_id: fence.organizationId,
            team_id: teamId,
            person_id: person,
            imported: true,
          }))
        )
        changes.added += joining.length
      }
    }
    if (Object.values(changes).some((count) => count > 0)) {
      // loaded here: the audit log's model pulls in the accounts' models, which
      // must not load while the domain store does (an import cycle at boot)
      const { recordAudit } = await import('#services/audit')
      await recordAudit(
        {
          event: 'team.imported',
          organizationId: fence.organizationId,
          subject: fence.provider,
          details: { provider: fence.provider, teams: rows.length, ...changes },
        },
        trx
      )
    }
    return rows.length
  })
}

/** the people of the provider's contributors named, in this organisation */
async function peopleOf(trx: TransactionClientContract, fence: Fence, externalIds: string[]) {
  const ids = [...new Set(externalIds)]
  const people = new Set<number>()
  for (let start = 0; start < ids.length; start += CHUNK) {
    const rows = await trx
      .from('contributors')
      .where('organization_id', fence.organizationId)
      .where('provider', fence.provider)
      .whereIn('external_id', ids.slice(start, start + CHUNK))
      .whereNotNull('person_id')
      .select('person_id')
    for (const row of rows) people.add(Number(row.person_id))
  }
  return people
}

async function nameTaken(
  trx: TransactionClientContract,
  organizationId: number,
  name: string,
  exceptId: number | null
) {
  const query = trx
    .from('teams')
    .where('organization_id', organizationId)
    .whereRaw('LOWER(name) = ?', [name.toLowerCase()])
  if (exceptId !== null) query.whereNot('id', exceptId)
  return Boolean(await query.select('id').first())
}

/** the provider's name, or with the provider in brackets when another team has it */
async function freeName(
  trx: TransactionClientContract,
  fence: Fence,
  wanted: string,
  exceptId: number | null
) {
  const base = wanted.trim().slice(0, NAME_LENGTH - 40) || 'Team'
  const candidates = [base, `${base} (${fence.provider})`]
  for (let n = 2; n <= 20; n++) candidates.push(`${base} (${fence.provider} ${n})`)
  for (const candidate of candidates) {
    if (!(await nameTaken(trx, fence.organizationId, candidate, exceptId))) return candidate
  }
  return null
}

async function teamFor(trx: TransactionClientContract, fence: Fence, row: TeamInput) {
  const existing = await trx
    .from('teams')
    .where('organization_id', fence.organizationId)
    .where('provider', fence.provider)
    .where('external_id', row.externalId)
    .select('id', 'name')
    .first()
  if (existing) {
    const wanted = row.name.trim()
    // renamed on the provider: follow it unless another team has the name
    if (wanted && wanted !== existing.name && !existing.name.startsWith(`${wanted} (`)) {
      const name = await freeName(trx, fence, wanted, Number(existing.id))
      if (name && name !== existing.name) {
        await trx.from('teams').where('id', existing.id).update({ name, updated_at: sqlTime() })
        return { teamId: Number(existing.id), created: false, renamed: true }
      }
    }
    return { teamId: Number(existing.id), created: false, renamed: false }
  }
  const name = await freeName(trx, fence, row.name, null)
  if (!name) {
    throw new Error(`No free name for the ${fence.provider} team ${row.externalId}`)
  }
  const now = sqlTime()
  const teamId = insertedId(
    await trx
      .table('teams')
      .insert({
        organization_id: fence.organizationId,
        name,
        provider: fence.provider,
        external_id: row.externalId,
        connection_id: fence.connectionId,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
  )
  if (teamId === null) throw new Error('The team was not written')
  return { teamId, created: true, renamed: false }
}
