import { DateTime } from 'luxon'
import { Exception } from '@adonisjs/core/exceptions'
import db from '@adonisjs/lucid/services/db'
import DocumentControlLink from '#models/document_control_link'
import type Organization from '#models/organization'
import type User from '#models/user'
import { findOrganizationDocument } from '#actions/documents/find_document'
import { recordAudit, type RequestMeta } from '#services/audit'

export class EvidenceReviewRefusedException extends Exception {
  static status = 422
  static code = 'E_EVIDENCE_REVIEW_REFUSED'
}

/** how long accepted evidence counts when the reviewer does not say: a year */
export const DEFAULT_VALIDITY_DAYS = 365

/**
 * A reviewer's decision on one document cited as evidence for one
 * control: accepted (it meets the control until it expires) or rejected
 * (with the reason, which the uploader reads on the document). The
 * reviewer, the moment and the decision go in the audit log, in the
 * transaction that records them.
 */
export default class ReviewEvidence {
  async execute(input: {
    organization: Organization
    reviewer: User
    documentPublicId: string
    controlCode: string
    decision: 'accept' | 'reject'
    reason?: string | null
    validForDays?: number | null
    meta: RequestMeta
  }) {
    const reason = input.reason?.trim() || null
    if (input.decision === 'reject' && !reason) {
      throw new EvidenceReviewRefusedException(
        'Say why the evidence is rejected: the uploader reads the reason.'
      )
    }
    const days = input.validForDays ?? DEFAULT_VALIDITY_DAYS
    return db.transaction(async (trx) => {
      const document = await findOrganizationDocument(
        input.organization,
        input.documentPublicId,
        trx
      )
      const link = await DocumentControlLink.query({ client: trx })
        .where('document_id', document.id)
        .where('control_code', input.controlCode)
        .forUpdate()
        .first()
      if (!link) {
        throw new EvidenceReviewRefusedException(
          `“${document.title}” does not cite ${input.controlCode}.`
        )
      }
      const now = DateTime.now()
      link.merge({
        reviewStatus: input.decision === 'accept' ? 'accepted' : 'rejected',
        reviewedById: input.reviewer.id,
        reviewedAt: now,
        reviewReason: reason,
        expiresAt: input.decision === 'accept' ? now.plus({ days }) : null,
      })
      await link.useTransaction(trx).save()
      await recordAudit(
        {
          event:
            input.decision === 'accept'
              ? 'compliance.evidence_accepted'
              : 'compliance.evidence_rejected',
          actorId: input.reviewer.id,
          organizationId: input.organization.id,
          subject: `${document.title} · ${link.controlCode}`,
          meta: input.meta,
          details: {
            control: link.controlCode,
            reason,
            expiresAt: link.expiresAt?.toISO() ?? null,
          },
        },
        trx
      )
      return link
    })
  }
}
