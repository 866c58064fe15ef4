import { extname } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import Document from '#models/document'
import DocumentControlLink from '#models/document_control_link'
import type Organization from '#models/organization'
import type User from '#models/user'
import type { DocumentCategory } from '#config/documents'
import { recordAudit, type RequestMeta } from '#services/audit'
import { createVersion } from '#services/documents/versions'
import {
  checkControlCodes,
  checkFiles,
  keepObjectsOnlyIf,
  putObjects,
  type IncomingFile,
  type StoredObject,
} from '#services/documents/uploads'

/**
 * The title of one document of a batch: the given title for a single
 * file, otherwise the file's name (after the title, when there is one).
 */
function titleFor(object: StoredObject, title: string | undefined, batchSize: number) {
  const name = object.file.clientName.split(/[/\\]/).pop() ?? ''
  const stem = name.slice(0, name.length - extname(name).length).trim() || 'Untitled document'
  if (!title) return stem.slice(0, 200)
  return (batchSize === 1 ? title : `${title} — ${stem}`).slice(0, 200)
}

/**
 * Uploads one or several files, each becoming a document (version 1).
 * Every file is checked before any is stored; objects are written first
 * and the rows after, in one transaction, and the objects are removed if
 * the rows cannot be written: a failure never leaves a row without its
 * object.
 */
export default class UploadDocuments {
  async execute(input: {
    organization: Organization
    actor: User
    files: IncomingFile[]
    title?: string
    category: DocumentCategory
    controlCodes?: string[]
    meta: RequestMeta
  }) {
    const controlCodes = checkControlCodes(input.controlCodes)
    const files = await checkFiles(input.files)
    const stored = await putObjects(input.organization, files)
    return keepObjectsOnlyIf(stored, () =>
      db.transaction(async (trx) => {
        const documents: Document[] = []
        for (const object of stored) {
          const document = await Document.create(
            {
              organizationId: input.organization.id,
              title: titleFor(object, input.title, stored.length),
              category: input.category,
              uploadedById: input.actor.id,
            },
            { client: trx }
          )
          await createVersion(trx, {
            documentId: document.id,
            organizationId: input.organization.id,
            version: 1,
            object,
            uploadedById: input.actor.id,
          })
          if (controlCodes.length > 0) {
            await DocumentControlLink.createMany(
              controlCodes.map((controlCode) => ({ documentId: document.id, controlCode })),
              { client: trx }
            )
          }
          await recordAudit(
            {
              event: 'document.uploaded',
              actorId: input.actor.id,
              organizationId: input.organization.id,
              subject: document.title,
              meta: input.meta,
              details: {
                document: document.publicId,
                contentType: object.file.type.contentType,
                size: object.file.size,
              },
            },
            trx
          )
          documents.push(document)
        }
        return documents
      })
    )
  }
}
