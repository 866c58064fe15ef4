import type { HttpContext } from '@adonisjs/core/http'
import { rangeQuery, type ResolvedFilters } from '#services/insights_pages/date_range'
import { csvFileName, toCsv } from '#services/insights_pages/csv'
import { findTable, type PageTable } from '#services/insights_pages/tables'

/**
 * The element the date-range form swaps under htmx.
 */
export const BODY_TARGET = 'insights-body'

/**
 * One dashboard URL, three renderings: a table as CSV
 * (`?format=csv&table=<name>`; an unknown table is a 404), the body
 * alone for an htmx request aimed at the body (the middleware sets
 * `Vary: HX-Request`), or the whole page. A range the form could not
 * use is answered with a 422 and the message above the body.
 */
export async function respondWithDashboard(
  ctx: HttpContext,
  options: {
    path: string
    page: string
    partial: string
    filters: ResolvedFilters
    tables: PageTable[]
    fileName: string
    data: Record<string, unknown>
    /**
     * Extra query parameters every link of the page keeps (the geography).
     */
    keep?: Record<string, string>
  }
) {
  const { filters, tables } = options
  if (filters.format === 'csv') {
    const table = findTable(tables, filters.table)
    if (!table) return ctx.response.notFound(await ctx.view.render('pages/errors/not_found'))
    ctx.response.header('Content-Type', 'text/csv; charset=utf-8')
    ctx.response.header(
      'Content-Disposition',
      `attachment; filename="${csvFileName(options.fileName, table.name, filters.range.from, filters.range.to)}"`
    )
    ctx.response.header('Cache-Control', 'private, no-store')
    return toCsv(table.csvColumns ?? table.columns, table.values)
  }
  if (filters.error) ctx.response.status(422)
  const data = dashboardState(options)
  if (ctx.htmx.wantsPartial && ctx.htmx.target === BODY_TARGET) {
    // The period controls sit outside the body: they travel with it out
    // of band so the highlighted preset and the dates follow the swap.
    const body = await ctx.view.render(options.partial, data)
    const controls = await ctx.view.render('partials/insights/range_form', {
      ...data,
      outOfBand: true,
    })
    return body + controls
  }
  return ctx.view.render(options.page, data)
}

/**
 * What a dashboard page's template reads besides its own data: the
 * filters, the period links that keep the page's parameters, the export
 * links. A refused form on a dashboard page is drawn with it too.
 */
export function dashboardState(options: {
  path: string
  filters: ResolvedFilters
  data: Record<string, unknown>
  keep?: Record<string, string>
}) {
  const { filters, path } = options
  const keep = options.keep ?? {}
  return {
    ...options.data,
    filters,
    range: filters.range,
    basePath: path,
    keep,
    /** the kept parameters as "&name=value…", for the period presets */
    keepQuery: Object.keys(keep).length ? `&${new URLSearchParams(keep).toString()}` : '',
    bodyTarget: BODY_TARGET,
    exportHref: (name: string) =>
      `${path}?${rangeQuery(filters.range, { ...keep, format: 'csv', table: name })}`,
    rangeHref: (extra: Record<string, string> = {}) =>
      `${path}?${rangeQuery(filters.range, { ...keep, ...extra })}`,
  }
}
