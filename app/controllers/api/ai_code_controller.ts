import type { HttpContext } from '@adonisjs/core/http'
import ListCompositions from '#actions/ai_code/list_compositions'

/**
 * The token API's AI-code composition, for the token's organisation
 * (resolved by the tokenScope middleware); also at the old system's
 * /api/repositories/composition/.
 */
export default class AiCodeController {
  async composition(ctx: HttpContext) {
    return { data: await new ListCompositions().execute(ctx.organization!.id) }
  }
}
