import { createHash } from 'node:crypto'
import string from '@adonisjs/core/helpers/string'

/**
 * Shared pieces of the server-side chart kit: escaping, number formats,
 * nice axis ticks, and the data table every chart carries as its
 * accessible fallback. Charts never use style attributes (the CSP
 * forbids them): colours come from classes, and shapes paint with
 * currentColor so a class that sets `color` picks the series colour.
 */

export type Formatter = (value: number) => string

/**
 * The rows behind a chart, rendered in a <details> under the picture.
 */
export type DataTable = {
  columns: string[]
  rows: string[][]
  /**
   * Where each cell links to (the rows behind a point or a bar), same
   * shape as rows; null or missing: plain text.
   */
  links?: (string | null | undefined)[][]
}

export type Chart = {
  id: string
  title: string
  description: string
  svg: string
  table: DataTable
}

export function escapeXml(value: string | number): string {
  return string.escapeHTML(String(value))
}

/**
 * 1234 → "1.2k", 0.456 → "0.46": short labels for axes and tooltips.
 */
export const formatCompact: Formatter = (value) => {
  if (!Number.isFinite(value)) return '–'
  const size = Math.abs(value)
  if (size >= 1_000_000) return `${trimZeros((value / 1_000_000).toFixed(1))}M`
  if (size >= 10_000) return `${Math.round(value / 1000)}k`
  if (size >= 1000) return `${trimZeros((value / 1000).toFixed(1))}k`
  if (size >= 100 || Number.isInteger(value)) return String(Math.round(value))
  if (size >= 10) return trimZeros(value.toFixed(1))
  return trimZeros(value.toFixed(2))
}

function trimZeros(text: string) {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text
}

/**
 * Coordinates rounded to one decimal keep the markup short.
 */
export function px(value: number) {
  return Math.round(value * 10) / 10
}

/**
 * A stable element id for a chart's title and description: the same
 * chart renders the same markup (cacheable fragments, stable tests),
 * two different charts on one page do not collide.
 */
export function chartId(kind: string, title: string, payload: unknown) {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 32)
  const hash = createHash('sha1')
    .update(JSON.stringify(payload) ?? '')
    .digest('hex')
    .slice(0, 8)
  return `chart-${kind}-${slug || 'untitled'}-${hash}`
}

/**
 * Evenly spaced round tick values covering [min, max] ("nice numbers":
 * steps of 1, 2, 2.5 or 5 times a power of ten).
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1]
  if (min === max) {
    if (min === 0) return [0, 1]
    min = Math.min(0, min)
    max = Math.max(0, max)
  }
  const rough = (max - min) / Math.max(1, count - 1)
  const power = 10 ** Math.floor(Math.log10(rough))
  const step =
    [1, 2, 2.5, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ??
    10 * power
  const start = Math.floor(min / step) * step
  const end = Math.ceil(max / step) * step
  const ticks: number[] = []
  for (let value = start; value <= end + step / 2; value += step) {
    ticks.push(Number(value.toPrecision(12)))
  }
  return ticks
}

/**
 * Maps a domain onto a pixel range.
 */
export function linearScale(domain: [number, number], range: [number, number]) {
  const [d0, d1] = domain
  const [r0, r1] = range
  const span = d1 - d0 || 1
  return (value: number) => r0 + ((value - d0) / span) * (r1 - r0)
}

/**
 * The opening tag, title and description every chart shares.
 */
export function svgOpen(options: {
  id: string
  title: string
  description: string
  width: number
  height: number
  className: string
}) {
  const { id, title, description, width, height, className } = options
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart ${className}" viewBox="0 0 ${width} ${height}" ` +
    `width="${width}" height="${height}" role="img" aria-labelledby="${id}-title ${id}-desc" ` +
    `preserveAspectRatio="xMidYMid meet" focusable="false">` +
    `<title id="${id}-title">${escapeXml(title)}</title>` +
    `<desc id="${id}-desc">${escapeXml(description)}</desc>`
  )
}

/**
 * A chart holding links is a group, not an image: an image's content is
 * presentational, and a link inside it would be a nested control.
 */
export function withLinks(svg: string) {
  return svg.includes('class="chart-link"')
    ? svg.replace(/^(<svg [^>]*)role="img"/, '$1role="group"')
    : svg
}

/**
 * A shape that opens the rows behind it: an SVG link around it for the
 * pointer, its label a tooltip. The picture is one image to assistive
 * technology, so the link stays out of the tab order and out of the
 * accessibility tree (a link inside an image is a nested control): the
 * data table under the chart carries the same links for keyboards and
 * screen readers.
 */
export function linked(markup: string, href: string | null | undefined, label: string) {
  if (!href) return markup
  return `<a class="chart-link" href="${escapeXml(href)}" tabindex="-1" aria-hidden="true"><title>${escapeXml(label)}</title>${markup}</a>`
}

/**
 * Series colours cycle through six classes (see app.css, "Insights").
 */
export function seriesClass(index: number, override?: string) {
  return override ?? `chart-c${(index % 6) + 1}`
}

export function renderTable(table: DataTable, caption: string) {
  const head = table.columns.map((column) => `<th scope="col">${escapeXml(column)}</th>`).join('')
  const body = table.rows
    .map(
      (row, rowIndex) =>
        `<tr>${row
          .map((cell, index) => {
            const href = table.links?.[rowIndex]?.[index]
            const text = href
              ? `<a href="${escapeXml(href)}">${escapeXml(cell)}</a>`
              : escapeXml(cell)
            return index === 0 ? `<th scope="row">${text}</th>` : `<td>${text}</td>`
          })
          .join('')}</tr>`
    )
    .join('')
  return (
    `<table class="table chart-data"><caption class="visually-hidden">${escapeXml(caption)}</caption>` +
    `<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`
  )
}

/**
 * A chart as page markup: the picture, then its numbers as a table in a
 * closed <details> (screen readers, printing, copying figures).
 */
export function renderFigure(chart: Chart, options: { compact?: boolean } = {}) {
  return (
    `<figure class="chart-figure${options.compact ? ' chart-figure--compact' : ''}" data-chart="${chart.id}">` +
    chart.svg +
    `<details class="chart-details"><summary>Data table: ${escapeXml(chart.title)}</summary>` +
    renderTable(chart.table, chart.title) +
    `</details></figure>`
  )
}
