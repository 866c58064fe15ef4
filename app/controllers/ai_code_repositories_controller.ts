import type { HttpContext } from '@adonisjs/core/http'
import { memberCan } from '#abilities/main'
import { fileView, folderListing, normalizeFolder, repositoryFiles } from '#queries/ai_code_files'
import { builtInSignals } from '#queries/ai_code_signals'

/**
 * A repository in the AI Code Monitor: its files as a tree, one folder
 * at a time (htmx loads a folder's listing in place; without JavaScript
 * the folder's link opens the same page on that folder), and a file's
 * line ranges coloured by origin.
 */
export default class AiCodeRepositoriesController {
  async show(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    const repository = await repositoryFiles(ctx.organization!.id, ctx.params.publicId)
    const folder = normalizeFolder(ctx.request.qs().folder)
    const listing = await folderListing(ctx.organization!.id, repository.id, folder)
    if (ctx.htmx.wantsPartial) {
      return ctx.view.render('partials/ai_code/folder', { repository, listing })
    }
    const signals = await builtInSignals(ctx.organization!.id, repository.id)
    return ctx.view.render('pages/ai_code/repository', { repository, listing, signals })
  }

  async file(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    const repository = await repositoryFiles(ctx.organization!.id, ctx.params.publicId)
    const path = String(ctx.request.qs().path ?? '')
    const file = await fileView(ctx.organization!.id, repository.id, path)
    return ctx.view.render('pages/ai_code/file', { repository, file })
  }
}
