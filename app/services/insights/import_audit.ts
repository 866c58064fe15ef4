import { recordAudit, type RequestMeta } from '#services/audit'

export type ReferenceImportKind = 'reference' | 'geographies' | 'standards'

/**
 * Records an import of shared reference data in the audit log (the admin
 * "Reference data" page shows the last one), from the admin page or an
 * ace command (no actor, CLI_META).
 */
export async function recordReferenceImport(input: {
  kind: ReferenceImportKind
  files: string[]
  counts: Record<string, number>
  actorId: number | null
  meta: RequestMeta
}) {
  await recordAudit({
    event: 'reference_data.imported',
    actorId: input.actorId,
    subject: input.files.join(', '),
    meta: input.meta,
    details: { kind: input.kind, files: input.files, ...input.counts },
  })
}
