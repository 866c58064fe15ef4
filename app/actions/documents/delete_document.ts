import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type Organization from '#models/organization'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import documentsConfig from '#config/documents'
import { findOrganizationDocument } from '#actions/documents/find_document'

/**
 * Soft delete: the document disappears from pages and the API at once;
 * its rows and objects stay until "node ace documents:purge" runs after
 * the retention period.
 */
export default class DeleteDocument {
  async execute(input: {
    organization: Organization
    actor: User
    documentPublicId: string
    meta: RequestMeta
  }) {
    return db.transaction(async (trx) => {
      const document = await findOrganizationDocument(
        input.organization,
        input.documentPublicId,
        trx
      )
      document.deletedAt = DateTime.now()
      document.deletedById = input.actor.id
      await document.save()
      await recordAudit(
        {
          event: 'document.deleted',
          actorId: input.actor.id,
          organizationId: input.organization.id,
          subject: document.title,
          meta: input.meta,
          details: {
            document: document.publicId,
            purgeAfterDays: documentsConfig.retentionDays,
          },
        },
        trx
      )
      return document
    })
  }
}
