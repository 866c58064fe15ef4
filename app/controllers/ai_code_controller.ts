import type { HttpContext } from '@adonisjs/core/http'
import ListCompositions from '#actions/ai_code/list_compositions'
import { memberCan } from '#abilities/main'

/** The AI Code Monitor page: the organisation's composition by repository. */
export default class AiCodeController {
  async index(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    return ctx.view.render('pages/ai_code/index', {
      composition: await new ListCompositions().execute(ctx.organization!.id),
    })
  }
}
