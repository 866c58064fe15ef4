import vine from '@vinejs/vine'
import { redirectAfterWrite } from '#services/after_write'
import type { ConnectionHandle, PluginRouteContext } from '#plugin-sdk/types'
import type { StoredRepository } from '#plugin-sdk/domain'

/**
 * The page a code plugin shows for a connection's repositories: searchable
 * and paged, a tick per repository for the ones Sextant monitors, and a
 * button that queues fresh snapshots. The plugin keeps its own views
 * ("<id>::repositories", and "<id>::partials/repository_list" for the
 * list htmx swaps when searching or paging) and registers the handlers:
 *
 *   const picker = repositoryPicker()
 *   router.get('/connections/:connection/repositories', picker.show, { name: 'repositories' })
 *   router.post('/connections/:connection/repositories', picker.saveSelection, { … })
 *   router.post('/connections/:connection/download', picker.requestDownload, { … })
 *
 * The page lives at /integrations/<plugin id>/connections/<public id>/repositories.
 */
export type RepositoryPickerOptions = {
  /** more values for the full page (not the list partial), e.g. the connection's settings */
  pageData?: (
    connection: ConnectionHandle,
    ctx: PluginRouteContext
  ) => Record<string, unknown> | Promise<Record<string, unknown>>
}

export type RepositoryPicker = {
  show: (ctx: PluginRouteContext) => Promise<unknown>
  saveSelection: (ctx: PluginRouteContext) => Promise<unknown>
  requestDownload: (ctx: PluginRouteContext) => Promise<unknown>
  /** the route's connection, or null once a 404 page was sent (for the plugin's own actions on the page) */
  connectionOr404: (ctx: PluginRouteContext) => Promise<ConnectionHandle | null>
  /** the page's URL, keeping a search and page */
  pageUrl: (
    ctx: PluginRouteContext,
    connection: ConnectionHandle,
    search?: string,
    page?: number
  ) => string
}

export const REPOSITORY_PAGE_SIZE = 25

const listQueryValidator = vine.create({
  search: vine.string().trim().maxLength(200).optional(),
  page: vine.number().withoutDecimals().min(1).max(100_000).optional(),
})

const selectionValidator = vine.create({
  shown: vine
    .array(vine.string().maxLength(64))
    .maxLength(REPOSITORY_PAGE_SIZE * 4)
    .optional(),
  monitored: vine
    .array(vine.string().maxLength(64))
    .maxLength(REPOSITORY_PAGE_SIZE * 4)
    .optional(),
  search: vine.string().trim().maxLength(200).optional(),
  page: vine.number().withoutDecimals().min(1).max(100_000).optional(),
})

async function connectionOr404(ctx: PluginRouteContext): Promise<ConnectionHandle | null> {
  const connection = await ctx.plugin.connection(String(ctx.params.connection ?? ''))
  if (!connection) {
    ctx.response.status(404)
    ctx.response.send(await ctx.view.render('pages/errors/not_found'))
  }
  return connection
}

function pageOf(repositories: StoredRepository[], search: string | undefined, page: number) {
  const term = search?.toLowerCase()
  const matching = term
    ? repositories.filter((repository) => repository.fullName.toLowerCase().includes(term))
    : repositories
  const pages = Math.max(1, Math.ceil(matching.length / REPOSITORY_PAGE_SIZE))
  const current = Math.min(page, pages)
  return {
    items: matching.slice((current - 1) * REPOSITORY_PAGE_SIZE, current * REPOSITORY_PAGE_SIZE),
    total: matching.length,
    monitoredCount: repositories.filter((repository) => repository.monitored).length,
    page: current,
    pages,
  }
}

function pageUrl(
  ctx: PluginRouteContext,
  connection: ConnectionHandle,
  search?: string,
  page?: number
) {
  const query = new URLSearchParams()
  if (search) query.set('search', search)
  if (page && page > 1) query.set('page', String(page))
  const suffix = query.size > 0 ? `?${query}` : ''
  return `/integrations/${ctx.plugin.id}/connections/${connection.publicId}/repositories${suffix}`
}

export function repositoryPicker(options: RepositoryPickerOptions = {}): RepositoryPicker {
  /** the list, searchable and paged; htmx asks for the list alone when searching or paging */
  async function show(ctx: PluginRouteContext) {
    const connection = await connectionOr404(ctx)
    if (!connection) return
    let query: { search?: string; page?: number } = {}
    try {
      query = await listQueryValidator.validate(ctx.request.qs())
    } catch {
      query = {}
    }
    const data = {
      connection,
      list: pageOf(await connection.store.repositories(), query.search, query.page ?? 1),
      search: query.search ?? '',
      listUrl: (page: number) => pageUrl(ctx, connection, query.search, page),
      canManage: ctx.plugin.can('integrations.manage'),
      queuedAt: Number(ctx.request.qs().queued) || null,
    }
    if (ctx.htmx.wantsPartial && ctx.request.header('hx-target') === 'repository-list') {
      return ctx.view.render(`${ctx.plugin.id}::partials/repository_list`, data)
    }
    const extra = options.pageData ? await options.pageData(connection, ctx) : {}
    return ctx.view.render(`${ctx.plugin.id}::repositories`, { ...data, ...extra })
  }

  /** monitors the ticked repositories of the page shown, and stops monitoring the others on it */
  async function saveSelection(ctx: PluginRouteContext) {
    const connection = await connectionOr404(ctx)
    if (!connection) return
    const input = await ctx.request.validateUsing(selectionValidator)
    const ticked = new Set(input.monitored ?? [])
    const stored = await connection.store.repositories()
    const known = new Set(stored.map((row) => row.externalId))
    const shown = (input.shown ?? []).filter((id) => known.has(id))
    const on = shown.filter((id) => ticked.has(id))
    const off = shown.filter((id) => !ticked.has(id))
    await connection.store.setMonitored(on, true)
    await connection.store.setMonitored(off, false)
    ctx.session.flash(
      'success',
      `Saved: ${on.length} monitored, ${off.length} not monitored on this page.`
    )
    return redirectAfterWrite(ctx, pageUrl(ctx, connection, input.search, input.page))
  }

  /** queues a fresh snapshot of every monitored repository; the page follows the run */
  async function requestDownload(ctx: PluginRouteContext) {
    const connection = await connectionOr404(ctx)
    if (!connection) return
    if (connection.status === 'active') {
      await connection.queueSync({ tasks: ['snapshots'] })
      ctx.session.flash('success', 'Download queued: the snapshots below update when it finishes.')
    } else {
      ctx.session.flash(
        'error',
        `This connection is ${connection.status}: only an active connection downloads.`
      )
    }
    return redirectAfterWrite(ctx, `${pageUrl(ctx, connection)}?queued=${Date.now()}`)
  }

  return { show, saveSelection, requestDownload, connectionOr404, pageUrl }
}
