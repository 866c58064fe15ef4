import type { HttpContext } from '@adonisjs/core/http'
import UpdateAiCodePolicy from '#actions/ai_code/update_ai_code_policy'
import { memberCan } from '#abilities/main'
import { requestMeta } from '#services/auth_session'
import { organizationPolicy } from '#services/ai_code/policy'
import { aiCodePolicyValidator } from '#validators/ai_code'

export default class AiCodePolicyController {
  async show(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.manage')
    return ctx.view.render('pages/settings/ai_code_policy', {
      policy: await organizationPolicy(ctx.organization!.id),
    })
  }

  async update(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.manage')
    const input = await ctx.request.validateUsing(aiCodePolicyValidator)
    await new UpdateAiCodePolicy().execute({
      organization: ctx.organization!,
      actor: ctx.auth.use('web').user!,
      enabled: input.enabled === true,
      maxAiSharePercent: input.maxAiSharePercent ?? null,
      maxChangedLines: input.maxChangedLines ?? null,
      requireAttestation: input.requireAttestation === true,
      meta: requestMeta(ctx),
    })
    ctx.session.flash('success', 'AI code policy saved: it applies to new pull request commits.')
    return ctx.response.redirect('/settings/ai-code-policy')
  }
}
