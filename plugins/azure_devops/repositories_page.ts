import {
  redirectAfterWrite,
  vine,
  type ConnectionHandle,
  type PluginRouteContext,
  type StoredRepository,
} from '#plugin-sdk'

const PAGE_SIZE = 25

const listQueryValidator = vine.create({
  search: vine.string().trim().maxLength(200).optional(),
  page: vine.number().withoutDecimals().min(1).max(100_000).optional(),
})

const selectionValidator = vine.create({
  shown: vine
    .array(vine.string().maxLength(64))
    .maxLength(PAGE_SIZE * 4)
    .optional(),
  monitored: vine
    .array(vine.string().maxLength(64))
    .maxLength(PAGE_SIZE * 4)
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
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE))
  const current = Math.min(page, pages)
  return {
    items: matching.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE),
    total: matching.length,
    monitoredCount: repositories.filter((repository) => repository.monitored).length,
    page: current,
    pages,
  }
}

function listUrl(connection: ConnectionHandle, search?: string, page?: number) {
  const query = new URLSearchParams()
  if (search) query.set('search', search)
  if (page && page > 1) query.set('page', String(page))
  const suffix = query.size > 0 ? `?${query}` : ''
  return `/integrations/azure_devops/connections/${connection.publicId}/repositories${suffix}`
}

/**
 * The organisation's repositories ("Project/repository"), searchable and
 * paged, with which ones Sextant monitors and each one's latest snapshot.
 */
export async function showRepositories(ctx: PluginRouteContext) {
  const connection = await connectionOr404(ctx)
  if (!connection) return
  let query: { search?: string; page?: number } = {}
  try {
    query = await listQueryValidator.validate(ctx.request.qs())
  } catch {
    query = {}
  }
  const list = pageOf(await connection.store.repositories(), query.search, query.page ?? 1)
  const data = {
    connection,
    list,
    search: query.search ?? '',
    listUrl: (page: number) => listUrl(connection, query.search, page),
    canManage: ctx.plugin.can('integrations.manage'),
  }
  if (ctx.htmx.wantsPartial && ctx.request.header('hx-target') === 'repository-list') {
    return ctx.view.render('azure_devops::partials/repository_list', data)
  }
  return ctx.view.render('azure_devops::repositories', data)
}

/** Monitors the ticked repositories of the page shown, and stops monitoring the others on it. */
export async function saveSelection(ctx: PluginRouteContext) {
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
  return redirectAfterWrite(ctx, listUrl(connection, input.search, input.page))
}

/** Queues a fresh snapshot of every monitored repository. */
export async function requestDownload(ctx: PluginRouteContext) {
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
  return redirectAfterWrite(ctx, listUrl(connection))
}
