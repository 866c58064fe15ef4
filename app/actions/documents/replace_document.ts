import db from '@adonisjs/lucid/services/db'
import DocumentVersion from '#models/document_version'
import type Organization from '#models/organization'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import {
  checkFiles,
  keepObjectsOnlyIf,
  putObjects,
  type IncomingFile,
} from '#services/documents/uploads'
import { createVersion } from '#services/documents/versions'
import { findOrganizationDocument } from '#actions/documents/find_document'

/**
 * Uploads a new file for an existing document: a new version becomes the
 * current one and every earlier version (row and object) is kept.
 */
export default class ReplaceDocument {
  async execute(input: {
    organization: Organization
    actor: User
    documentPublicId: string
    file: IncomingFile | null
    meta: RequestMeta
  }) {
    const document = await findOrganizationDocument(input.organization, input.documentPublicId)
    const files = await checkFiles(input.file ? [input.file] : [])
    const stored = await putObjects(input.organization, files)
    const [object] = stored
    return keepObjectsOnlyIf(stored, () =>
      db.transaction(async (trx) => {
        const latest = await DocumentVersion.query({ client: trx })
          .where('document_id', document.id)
          .max('version as latest')
          .firstOrFail()
        const version = await createVersion(trx, {
          documentId: document.id,
          organizationId: input.organization.id,
          version: Number(latest.$extras.latest ?? 0) + 1,
          object,
          uploadedById: input.actor.id,
        })
        document.useTransaction(trx)
        document.updatedAt = version.createdAt
        await document.save()
        // new content is new evidence: its controls await a review again
        await trx.from('document_control_links').where('document_id', document.id).update({
          review_status: 'submitted',
          reviewed_by_id: null,
          reviewed_at: null,
          review_reason: null,
          expires_at: null,
        })
        await recordAudit(
          {
            event: 'document.replaced',
            actorId: input.actor.id,
            organizationId: input.organization.id,
            subject: document.title,
            meta: input.meta,
            details: { document: document.publicId, version: version.version },
          },
          trx
        )
        return { document, version }
      })
    )
  }
}
