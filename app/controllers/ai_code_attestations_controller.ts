import type { HttpContext } from '@adonisjs/core/http'
import AttestChunk from '#actions/ai_code/attest_chunk'
import { memberCan } from '#abilities/main'
import { VERDICTS } from '#services/ai_code/attestations'
import {
  attestationOf,
  listAttestations,
  pullRequestAttestations,
} from '#queries/ai_code_attestations'
import { attestationValidator } from '#validators/ai_code'

/**
 * Attestations: a pull request's chunks with the form to attest them,
 * the organisation's attestations, and one attestation.
 */
export default class AiCodeAttestationsController {
  async index(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    return ctx.view.render('pages/ai_code/attestations', {
      attestations: await listAttestations(ctx.organization!.id),
    })
  }

  async show(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    return ctx.view.render('pages/ai_code/attestation', {
      attestation: await attestationOf(ctx.organization!.id, ctx.params.publicId),
    })
  }

  async pullRequest(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    const page = await pullRequestAttestations(
      ctx.organization!.id,
      ctx.params.publicId,
      Number(ctx.params.number)
    )
    return ctx.view.render('pages/ai_code/pull_request', {
      ...page,
      verdicts: Object.keys(VERDICTS),
    })
  }

  async attest(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    const { pull } = await pullRequestAttestations(
      ctx.organization!.id,
      ctx.params.publicId,
      Number(ctx.params.number)
    )
    const input = await ctx.request.validateUsing(attestationValidator)
    await new AttestChunk().execute({
      organizationId: ctx.organization!.id,
      pullRequestId: pull.id,
      chunkPublicId: input.chunk,
      verdict: input.verdict,
      user: ctx.auth.use('web').user!,
      mayAttestAnyLines: await ctx.bouncer.allows(memberCan, ctx.membership, 'organization.manage'),
    })
    ctx.session.flash('success', `Attested ${input.verdict}.`)
    const back = ctx.request.url()
    if (ctx.request.header('hx-request'))
      return ctx.response.header('HX-Location', back).noContent()
    return ctx.response.redirect(back)
  }
}
