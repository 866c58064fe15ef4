import type { HttpContext } from '@adonisjs/core/http'
import ReviewEvidence from '#actions/compliance/review_evidence'
import { memberCan } from '#abilities/main'
import { requestMeta } from '#services/auth_session'
import { redirectAfterWrite } from '#services/after_write'
import { reviewEvidenceValidator } from '#validators/documents'

/**
 * A reviewer accepts or rejects a document as evidence for one control
 * it cites (compliance.review); refusals go through the exception handler.
 */
export default class ComplianceEvidenceController {
  async review(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'compliance.review')
    const input = await ctx.request.validateUsing(reviewEvidenceValidator)
    const link = await new ReviewEvidence().execute({
      organization: ctx.organization!,
      reviewer: ctx.auth.use('web').user!,
      documentPublicId: ctx.params.document,
      ...input,
      meta: requestMeta(ctx),
    })
    const verb = link.reviewStatus === 'accepted' ? 'accepted' : 'rejected'
    return redirectAfterWrite(ctx, `/documents/${ctx.params.document}`, {
      kind: 'success',
      message: `Evidence for ${link.controlCode} ${verb}.`,
    })
  }
}
