import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { insertedId, sqlTime } from '#services/sql'
import {
  canonicalRepositoryKey,
  normalisedFullName,
  type RepositoryRef,
} from '#plugin-sdk/identity'

/**
 * Resolution of the repository references plugins write
 * (docs/plugins.md, "Repositories and people across providers"): a
 * reference by `{ provider, externalId }`, by URL or by full name finds
 * the repository whichever provider in the organisation wrote it. One
 * that finds none (or several) is kept in repository_references, and the
 * rows carrying it point at it, until a repository with that identity
 * appears or an admin maps it by hand: never dropped, never written as a
 * made-up repository.
 */

export type ReferenceKind = 'url' | 'full_name' | 'external'

/** A reference in the form resolution matches on. */
export type NormalisedReference = {
  kind: ReferenceKind
  reference: string
  label: string
  /** for 'url' and host-qualified full names: the canonical key to match */
  canonicalKey: string | null
}

export type Resolution = { repositoryId: number | null; referenceId: number | null }

type Candidate = { id: number; connection_id: number | null; canonical_key: string | null }

/** null for a reference naming the writing provider's own repository (a plain external id). */
export function normaliseReference(ref: Exclude<RepositoryRef, string>): NormalisedReference {
  if ('url' in ref) {
    const key = canonicalRepositoryKey(ref.url)
    return {
      kind: 'url',
      reference: (key ?? ref.url.trim().toLowerCase()).slice(0, 512),
      label: ref.url.trim().slice(0, 1024),
      canonicalKey: key,
    }
  }
  if ('fullName' in ref) {
    const name = normalisedFullName(ref.fullName)
    const hosted = name !== null && name.split('/')[0].includes('.')
    return {
      kind: 'full_name',
      reference: (name ?? ref.fullName.trim().toLowerCase()).slice(0, 512),
      label: ref.fullName.trim().slice(0, 1024),
      canonicalKey: hosted ? canonicalRepositoryKey(name) : null,
    }
  }
  const reference = `${ref.provider}:${ref.externalId}`
  return {
    kind: 'external',
    reference: reference.slice(0, 512),
    label: reference,
    canonicalKey: null,
  }
}

/** the same reference from two rows resolves once */
function referenceKey(reference: NormalisedReference) {
  return `${reference.kind}\u0000${reference.reference}`
}

/**
 * Several repositories with one identity (a mirror on two providers): the
 * ones a connection still reaches win; more than one left is ambiguous.
 */
function pick(candidates: Candidate[]): number | 'ambiguous' | null {
  if (candidates.length === 0) return null
  const reachable = candidates.filter((candidate) => candidate.connection_id !== null)
  const left = reachable.length > 0 ? reachable : candidates
  return left.length === 1 ? left[0].id : 'ambiguous'
}

async function candidatesFor(
  organizationId: number,
  reference: NormalisedReference
): Promise<Candidate[]> {
  const query = db
    .from('repositories')
    .where('organization_id', organizationId)
    .select('id', 'connection_id', 'canonical_key')
  if (reference.kind === 'external') {
    const [provider, ...rest] = reference.reference.split(':')
    return query.where('provider', provider).where('external_id', rest.join(':'))
  }
  if (reference.canonicalKey) return query.where('canonical_key', reference.canonicalKey)
  if (reference.kind === 'full_name') {
    return query.whereRaw('LOWER(full_name) = ?', [reference.reference])
  }
  return []
}

/**
 * Resolves references for one organisation and records the ones that
 * find no single repository. The writer's provider is kept on the
 * record, for the mapping page.
 */
export async function resolveReferences(
  fence: { organizationId: number; provider: string },
  references: NormalisedReference[]
): Promise<Map<string, Resolution>> {
  const resolved = new Map<string, Resolution>()
  for (const reference of references) {
    const key = referenceKey(reference)
    if (resolved.has(key)) continue
    resolved.set(key, await resolveOne(fence, reference))
  }
  return resolved
}

export function resolutionFor(resolved: Map<string, Resolution>, reference: NormalisedReference) {
  return resolved.get(referenceKey(reference)) ?? { repositoryId: null, referenceId: null }
}

async function resolveOne(
  fence: { organizationId: number; provider: string },
  reference: NormalisedReference
): Promise<Resolution> {
  const recorded = await db
    .from('repository_references')
    .where('organization_id', fence.organizationId)
    .where('kind', reference.kind)
    .where('reference', reference.reference)
    .select('id', 'repository_id', 'resolution')
    .first()
  // an admin's mapping (or an earlier automatic one) stands
  if (recorded?.repository_id) {
    return { repositoryId: recorded.repository_id, referenceId: recorded.id }
  }
  const found = pick(await candidatesFor(fence.organizationId, reference))
  if (typeof found === 'number') return { repositoryId: found, referenceId: recorded?.id ?? null }
  const reason = found === 'ambiguous' ? 'ambiguous' : 'unknown'
  if (recorded) {
    if (recorded.reason !== reason) {
      await db
        .from('repository_references')
        .where('id', recorded.id)
        .update({ reason, updated_at: sqlTime() })
    }
    return { repositoryId: null, referenceId: recorded.id }
  }
  const now = sqlTime()
  const inserted = await db
    .knexQuery()
    .table('repository_references')
    .insert({
      organization_id: fence.organizationId,
      provider: fence.provider,
      kind: reference.kind,
      reference: reference.reference,
      label: reference.label,
      reason,
      created_at: now,
      updated_at: now,
    })
    .onConflict(['organization_id', 'kind', 'reference'])
    .ignore()
    .returning('id')
  const id = insertedId(inserted)
  if (id) return { repositoryId: null, referenceId: id }
  // written meanwhile by a concurrent batch
  const concurrent = await db
    .from('repository_references')
    .where('organization_id', fence.organizationId)
    .where('kind', reference.kind)
    .where('reference', reference.reference)
    .select('id')
    .firstOrFail()
  return { repositoryId: null, referenceId: concurrent.id as number }
}

/** The rows carrying a reference now belong to its repository. */
export async function attachReference(
  trx: QueryClientContract,
  organizationId: number,
  referenceId: number,
  repositoryId: number
) {
  for (const table of ['issues', 'vulnerabilities', 'deployments']) {
    await trx
      .from(table)
      .where('organization_id', organizationId)
      .where('repository_reference_id', referenceId)
      .update({ repository_id: repositoryId })
  }
}

/**
 * After repositories were written: references still waiting that now
 * name exactly one repository resolve automatically, and their rows
 * attach to it (a Snyk sync that ran before the GitHub one).
 */
export async function resolvePendingReferences(
  organizationId: number,
  /** what the written repositories are named by: canonical keys, full names, "provider:externalId" */
  names: string[]
) {
  const wanted = [...new Set(names.filter(Boolean))]
  const pending = []
  for (let start = 0; start < wanted.length; start += 500) {
    pending.push(
      ...(await db
        .from('repository_references')
        .where('organization_id', organizationId)
        .whereNull('repository_id')
        .whereIn('reference', wanted.slice(start, start + 500))
        .select('id', 'kind', 'reference', 'label'))
    )
  }
  let attached = 0
  for (const row of pending) {
    const reference: NormalisedReference =
      row.kind === 'url'
        ? normaliseReference({ url: row.label })
        : row.kind === 'full_name'
          ? normaliseReference({ fullName: row.label })
          : {
              kind: 'external',
              reference: row.reference,
              label: row.label,
              canonicalKey: null,
            }
    const found = pick(await candidatesFor(organizationId, reference))
    if (typeof found !== 'number') continue
    await db.transaction(async (trx) => {
      const claimed = await trx
        .from('repository_references')
        .where('id', row.id)
        .whereNull('repository_id')
        .update({ repository_id: found, resolution: 'automatic', updated_at: sqlTime() })
      if (Number(Array.isArray(claimed) ? claimed[0] : claimed) === 0) return
      await attachReference(trx, organizationId, row.id, found)
      attached += 1
    })
  }
  return attached
}
