import { Readable } from 'node:stream'
import type { HttpContext } from '@adonisjs/core/http'
import ListCompositions from '#actions/ai_code/list_compositions'
import {
  CYCLONEDX_JSON,
  compositionText,
  pullRequestGbom,
  repositoryGbom,
} from '#queries/ai_code_gboms'

/**
 * The token API's AI-code composition and GBOMs, for the token's
 * organisation (resolved by the tokenScope middleware); the composition
 * is also at the old system's /api/repositories/composition/.
 */
export default class AiCodeController {
  async composition(ctx: HttpContext) {
    return { data: await new ListCompositions().execute(ctx.organization!.id) }
  }

  async repositoryComposition({ organization, params, response }: HttpContext) {
    const pieces = await compositionText(organization!.id, params.publicId)
    response.header('content-type', 'application/json; charset=utf-8')
    return response.stream(Readable.from(pieces))
  }

  async gbom({ organization, params, response }: HttpContext) {
    const { pieces } = await repositoryGbom(organization!.id, params.publicId)
    response.header('content-type', CYCLONEDX_JSON)
    return response.stream(Readable.from(pieces))
  }

  async pullRequestGbom({ organization, params, response }: HttpContext) {
    const { document } = await pullRequestGbom(
      organization!.id,
      params.publicId,
      Number(params.number)
    )
    return response.header('content-type', CYCLONEDX_JSON).send(document)
  }
}
