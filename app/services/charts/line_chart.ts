import {
  type Chart,
  type Formatter,
  chartId,
  escapeXml,
  formatCompact,
  linearScale,
  niceTicks,
  px,
  linked,
  seriesClass,
  svgOpen,
  withLinks,
} from '#services/charts/svg'
import { pathSegments } from '#services/charts/sparkline'

export type LineSeries = {
  name: string
  values: (number | null)[]
  className?: string
  /** the list behind each point (same length as values), if any */
  links?: (string | null)[]
}

export type LineChartInput = {
  title: string
  description?: string
  labels: string[]
  series: LineSeries[]
  format?: Formatter
  /**
   * Fill the area under the first series.
   */
  area?: boolean
  /**
   * Fix the value axis (a score from 0 to 100) instead of fitting the data.
   */
  domain?: [number, number]
  width?: number
  height?: number
}

const MARGIN = { top: 16, right: 16, bottom: 30, left: 48 }

/**
 * A trend over time: value gridlines with labels, a thinned date axis,
 * one line per series (with a legend when there are several), points
 * with tooltips when there are few enough to tell apart.
 */
export function lineChart(input: LineChartInput): Chart {
  const width = input.width ?? 640
  const height = input.height ?? 240
  const format = input.format ?? formatCompact
  const id = chartId('line', input.title, [input.labels, input.series])
  const known = input.series.flatMap((series) =>
    series.values.filter((value): value is number => value !== null && Number.isFinite(value))
  )
  const legendHeight = input.series.length > 1 ? 22 : 0
  const top = MARGIN.top + legendHeight
  const plotBottom = height - MARGIN.bottom
  const plotRight = width - MARGIN.right

  const description =
    input.description ??
    (known.length
      ? input.series
          .map((series) => {
            const values = series.values.filter((value): value is number => value !== null)
            return values.length
              ? `${series.name}: from ${format(values[0])} to ${format(values.at(-1)!)}`
              : `${series.name}: no data`
          })
          .join('; ') + `, ${input.labels[0]} to ${input.labels.at(-1)}.`
      : 'No data in this period.')

  const low = input.domain?.[0] ?? Math.min(0, ...known)
  const high = input.domain?.[1] ?? Math.max(...(known.length ? known : [1]))
  const ticks = input.domain ? niceTicks(low, high, 5) : niceTicks(low, high, 5)
  const y = linearScale([ticks[0], ticks.at(-1)!], [plotBottom, top])
  const x = linearScale([0, Math.max(1, input.labels.length - 1)], [MARGIN.left, plotRight])

  let body = '<g class="chart-grid">'
  for (const tick of ticks) {
    body +=
      `<line x1="${MARGIN.left}" x2="${plotRight}" y1="${px(y(tick))}" y2="${px(y(tick))}" stroke="currentColor" stroke-width="1"/>` +
      `<text class="chart-tick" x="${MARGIN.left - 6}" y="${px(y(tick) + 4)}" text-anchor="end" fill="currentColor">${escapeXml(format(tick))}</text>`
  }
  body += '</g><g class="chart-axis">'
  body += `<line x1="${MARGIN.left}" x2="${plotRight}" y1="${plotBottom}" y2="${plotBottom}" stroke="currentColor" stroke-width="1"/>`
  // As many date labels as fit (about 80 units each), the last one always.
  const fit = Math.max(2, Math.floor((plotRight - MARGIN.left) / 80))
  const every = Math.max(1, Math.ceil(input.labels.length / fit))
  input.labels.forEach((label, index) => {
    const last = index === input.labels.length - 1
    if (index % every !== 0 && !last) return
    if (!last && input.labels.length - 1 - index < every) return
    const anchor = index === 0 ? 'start' : last ? 'end' : 'middle'
    body += `<text class="chart-tick" x="${px(x(index))}" y="${height - 10}" text-anchor="${anchor}" fill="currentColor">${escapeXml(axisLabel(label))}</text>`
  })
  body += '</g>'

  input.series.forEach((series, index) => {
    const className = seriesClass(index, series.className)
    const segments = pathSegments(series.values, x, y)
    body += `<g class="chart-series ${className}">`
    if (input.area && index === 0) {
      for (const points of segments) {
        const coordinates = points.split(' ')
        const first = coordinates[0].split(',')[0]
        const last = coordinates.at(-1)!.split(',')[0]
        body += `<polygon class="chart-area" fill="currentColor" fill-opacity="0.14" points="${first},${plotBottom} ${points} ${last},${plotBottom}"/>`
      }
    }
    for (const points of segments) {
      body += `<polyline class="chart-line" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" stroke-linecap="round" points="${points}"/>`
    }
    if (input.labels.length <= 40) {
      series.values.forEach((value, point) => {
        if (value === null || !Number.isFinite(value)) return
        const tip = `${series.name}, ${input.labels[point]}: ${format(value)}`
        const href = series.links?.[point]
        // a linked point gets a wider transparent target around it
        const target = href
          ? `<circle class="chart-hit" cx="${px(x(point))}" cy="${px(y(value))}" r="10" fill="currentColor" fill-opacity="0"/>`
          : ''
        body += linked(
          `<circle cx="${px(x(point))}" cy="${px(y(value))}" r="3" fill="currentColor">` +
            `<title>${escapeXml(href ? `${tip} (open the list)` : tip)}</title></circle>${target}`,
          href,
          tip
        )
      })
    }
    body += '</g>'
  })

  if (input.series.length > 1) body += legend(input.series, MARGIN.left, MARGIN.top)
  if (known.length === 0) {
    body += `<text class="chart-empty" x="${width / 2}" y="${(top + plotBottom) / 2}" text-anchor="middle" fill="currentColor">No data in this period</text>`
  }

  return {
    id,
    title: input.title,
    description,
    svg: withLinks(
      svgOpen({ id, title: input.title, description, width, height, className: 'chart--line' }) +
        body +
        '</svg>'
    ),
    table: {
      columns: ['Period', ...input.series.map((series) => series.name)],
      rows: input.labels.map((label, index) => [
        label,
        ...input.series.map((series) => {
          const value = series.values[index]
          return value === null || value === undefined ? '–' : format(value)
        }),
      ]),
      links: input.series.some((series) => series.links)
        ? input.labels.map((_, index) => [
            null,
            ...input.series.map((series) =>
              series.values[index] === null ? null : (series.links?.[index] ?? null)
            ),
          ])
        : undefined,
    },
  }
}

/**
 * A one-line legend: a swatch and the series name, left to right.
 */
export function legend(items: { name: string; className?: string }[], left: number, top: number) {
  let offset = left
  let markup = '<g class="chart-legend">'
  items.forEach((item, index) => {
    markup +=
      `<g class="${seriesClass(index, item.className)}"><rect x="${offset}" y="${top - 9}" width="10" height="10" rx="2" fill="currentColor"/></g>` +
      `<text class="chart-legend-label" x="${offset + 14}" y="${top}" fill="currentColor">${escapeXml(item.name)}</text>`
    offset += 14 + item.name.length * 6.5 + 16
  })
  return markup + '</g>'
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/**
 * "2026-09-04" reads "4 Sep" on an axis (the data table keeps the day).
 */
export function axisLabel(label: string) {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(label)
  return day ? `${Number(day[3])} ${MONTHS[Number(day[2]) - 1]}` : label
}
