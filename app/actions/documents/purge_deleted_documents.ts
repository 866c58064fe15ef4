import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Document from '#models/document'
import documentsConfig from '#config/documents'
import { recordAudit, CLI_META } from '#services/audit'
import { sqlTime } from '#services/sql'
import { deleteObjects, documentDisk } from '#services/documents/storage'

export type PurgeReport = {
  purged: number
  failed: { document: string; keys: string[] }[]
}

/**
 * Removes documents deleted more than the retention period ago: every
 * version's object first, then the rows. A document whose objects cannot
 * all be removed keeps its rows, so the next run tries again and no
 * object is left without a row.
 */
export default class PurgeDeletedDocuments {
  async execute(
    input: {
      retentionDays?: number
      /** only this organisation's documents (deleting its data) */
      organizationId?: number
      onProgress?: (done: number, total: number) => void
    } = {}
  ): Promise<PurgeReport> {
    const days = input.retentionDays ?? documentsConfig.retentionDays
    const cutoff = DateTime.now().minus({ days })
    const query = Document.query()
      .whereNotNull('deleted_at')
      .where('deleted_at', '<=', sqlTime(cutoff))
      .preload('versions')
      .orderBy('id')
    if (input.organizationId !== undefined) query.where('organization_id', input.organizationId)
    const documents = await query
    const report: PurgeReport = { purged: 0, failed: [] }
    for (const [index, document] of documents.entries()) {
      const failedKeys: string[] = []
      for (const version of document.versions) {
        failedKeys.push(...(await deleteObjects(documentDisk(version.disk), [version.storageKey])))
      }
      if (failedKeys.length > 0) {
        report.failed.push({ document: document.publicId, keys: failedKeys })
      } else {
        await db.transaction(async (trx) => {
          await Document.query({ client: trx }).where('id', document.id).delete()
          await recordAudit(
            {
              event: 'document.purged',
              organizationId: document.organizationId,
              subject: document.title,
              meta: CLI_META,
              details: { document: document.publicId, versions: document.versions.length },
            },
            trx
          )
        })
        report.purged += 1
      }
      input.onProgress?.(index + 1, documents.length)
    }
    return report
  }
}
