import { Readable } from 'node:stream'
import type { HttpContext } from '@adonisjs/core/http'
import ListCompositions from '#actions/ai_code/list_compositions'
import { memberCan } from '#abilities/main'
import { CYCLONEDX_JSON, repositoryGbom } from '#queries/ai_code_gboms'

/** The AI Code Monitor page: the organisation's composition by repository. */
export default class AiCodeController {
  async index(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    return ctx.view.render('pages/ai_code/index', {
      composition: await new ListCompositions().execute(ctx.organization!.id),
    })
  }

  /** A repository's GBOM, downloaded as CycloneDX 1.6 JSON. */
  async gbom(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    const { repository, pieces } = await repositoryGbom(ctx.organization!.id, ctx.params.publicId)
    const file = `${String(repository.full_name ?? repository.name).replace(/[^\w.-]+/g, '-')}.gbom.cdx.json`
    return ctx.response
      .header('content-type', CYCLONEDX_JSON)
      .header('content-disposition', `attachment; filename="${file}"`)
      .stream(Readable.from(pieces))
  }
}
