import db from '@adonisjs/lucid/services/db'
import { publicIds } from '#services/public_id'

const referenceIds = publicIds('repository_reference')
const repositoryIds = publicIds('repository')

export type PendingReference = {
  publicId: string
  provider: string
  kind: 'url' | 'full_name' | 'external'
  label: string
  reason: 'unknown' | 'ambiguous'
  /** issues, vulnerabilities and deployments waiting for it */
  rows: number
}

export type RepositoryChoice = { publicId: string; label: string }

/**
 * References plugins wrote that name no single repository of the
 * organisation, the ones most rows wait for first.
 */
export async function pendingReferences(organizationId: number): Promise<PendingReference[]> {
  const references = await db
    .from('repository_references')
    .where('organization_id', organizationId)
    .whereNull('repository_id')
    .select('id', 'provider', 'kind', 'label', 'reason')
    .orderBy('id')
    .limit(500)
  const counts = new Map<number, number>()
  const ids = references.map((row) => row.id as number)
  if (ids.length > 0) {
    for (const table of ['issues', 'vulnerabilities', 'deployments']) {
      const rows = await db
        .from(table)
        .where('organization_id', organizationId)
        .whereIn('repository_reference_id', ids)
        .groupBy('repository_reference_id')
        .select('repository_reference_id')
        .count('* as total')
      for (const row of rows) {
        const id = Number(row.repository_reference_id)
        counts.set(id, (counts.get(id) ?? 0) + Number(row.total))
      }
    }
  }
  return references
    .map((row) => ({
      publicId: referenceIds.encode(row.id),
      provider: row.provider,
      kind: row.kind,
      label: row.label,
      reason: row.reason,
      rows: counts.get(row.id) ?? 0,
    }))
    .sort((a, b) => b.rows - a.rows)
}

/** The repositories a reference may be mapped to, by full name. */
export async function repositoryChoices(organizationId: number): Promise<RepositoryChoice[]> {
  const rows = await db
    .from('repositories')
    .where('organization_id', organizationId)
    .select('id', 'full_name', 'provider')
    .orderBy('full_name')
    .orderBy('provider')
  return rows.map((row) => ({
    publicId: repositoryIds.encode(row.id),
    label: `${row.full_name} (${row.provider})`,
  }))
}
