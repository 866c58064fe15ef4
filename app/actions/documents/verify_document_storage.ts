import DocumentVersion from '#models/document_version'
import type { DocumentDiskName } from '#config/documents'
import documentsConfig from '#config/documents'
import { publicIds } from '#services/public_id'
import { deleteObjects, documentDisk, listStoredObjects } from '#services/documents/storage'

export type StorageReport = {
  disk: DocumentDiskName
  objects: number
  rows: number
  rowsWithoutObject: { document: string; version: number; key: string }[]
  objectsWithoutRow: string[]
  /** orphans younger than the grace period: probably uploads in flight */
  recentObjectsWithoutRow: string[]
  removed: string[]
}

/**
 * Compares a disk's objects under documents/ with the version rows that
 * point at that disk. An upload writes its object before its row, so an
 * object younger than the grace period may belong to an upload still in
 * progress: it is reported apart and never removed.
 */
export default class VerifyDocumentStorage {
  async execute(
    input: {
      disk?: DocumentDiskName
      fix?: boolean
      graceSeconds?: number
      onProgress?: (objectsListed: number) => void
    } = {}
  ): Promise<StorageReport> {
    const diskName = input.disk ?? documentsConfig.disk
    const disk = documentDisk(diskName)
    const rows = await DocumentVersion.query()
      .where('disk', diskName)
      .select('document_id', 'version', 'storage_key')
    const rowKeys = new Set(rows.map((row) => row.storageKey))
    const graceMs = (input.graceSeconds ?? 600) * 1000
    const report: StorageReport = {
      disk: diskName,
      objects: 0,
      rows: rows.length,
      rowsWithoutObject: [],
      objectsWithoutRow: [],
      recentObjectsWithoutRow: [],
      removed: [],
    }
    const stored = new Set<string>()
    for await (const object of listStoredObjects(disk)) {
      stored.add(object.key)
      report.objects += 1
      if (report.objects % 500 === 0) input.onProgress?.(report.objects)
      if (rowKeys.has(object.key)) continue
      const { lastModified } = await object.getMetaData()
      if (Date.now() - lastModified.getTime() < graceMs) {
        report.recentObjectsWithoutRow.push(object.key)
      } else {
        report.objectsWithoutRow.push(object.key)
      }
    }
    for (const row of rows) {
      if (!stored.has(row.storageKey)) {
        report.rowsWithoutObject.push({
          document: publicIds('document').encode(row.documentId),
          version: row.version,
          key: row.storageKey,
        })
      }
    }
    if (input.fix && report.objectsWithoutRow.length > 0) {
      const failed = new Set(await deleteObjects(disk, report.objectsWithoutRow))
      report.removed = report.objectsWithoutRow.filter((key) => !failed.has(key))
    }
    return report
  }
}
