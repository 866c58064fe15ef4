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
import { legend } from '#services/charts/line_chart'

export type StackedBarInput = {
  title: string
  description?: string
  /**
   * One bar per category (a period, a product, a repository).
   */
  categories: string[]
  /**
   * The parts of every bar, in stacking order (coding, pickup, review,
   * deploy).
   */
  segments: { name: string; values: number[]; className?: string }[]
  /** the list behind each category's bar (same length as categories), if any */
  links?: (string | null)[]
  format?: Formatter
  width?: number
}

const LABEL_WIDTH = 132
const ROW = 30

/**
 * Horizontal stacked bars: how a whole (cycle time) splits into phases,
 * one bar per category, with a legend and the total at the bar's end.
 */
export function stackedBarChart(input: StackedBarInput): Chart {
  const width = input.width ?? 640
  const format = input.format ?? formatCompact
  const id = chartId('stack', input.title, [input.categories, input.segments])
  const totals = input.categories.map((_, index) =>
    input.segments.reduce((sum, segment) => sum + Math.max(0, segment.values[index] ?? 0), 0)
  )
  const top = 30
  const height = top + Math.max(1, input.categories.length) * ROW + 26
  const ticks = niceTicks(0, Math.max(1, ...totals), 5)
  const x = linearScale([0, ticks.at(-1)!], [LABEL_WIDTH, width - 56])

  let body = legend(input.segments, LABEL_WIDTH, 14)
  body += '<g class="chart-grid">'
  for (const tick of ticks) {
    body +=
      `<line x1="${px(x(tick))}" x2="${px(x(tick))}" y1="${top - 4}" y2="${height - 22}" stroke="currentColor" stroke-width="1"/>` +
      `<text class="chart-tick" x="${px(x(tick))}" y="${height - 8}" text-anchor="middle" fill="currentColor">${escapeXml(format(tick))}</text>`
  }
  body += '</g>'
  input.categories.forEach((category, row) => {
    const y = top + row * ROW
    let line = `<text class="chart-label" x="${LABEL_WIDTH - 8}" y="${y + 15}" text-anchor="end" fill="currentColor">${escapeXml(truncate(category, 20))}</text>`
    let start = 0
    input.segments.forEach((segment, index) => {
      const value = Math.max(0, segment.values[row] ?? 0)
      if (value === 0) return
      const left = x(start)
      const right = x(start + value)
      line +=
        `<g class="${seriesClass(index, segment.className)}"><rect x="${px(left)}" y="${y + 3}" width="${px(Math.max(1, right - left))}" height="${ROW - 10}" fill="currentColor">` +
        `<title>${escapeXml(`${category}, ${segment.name}: ${format(value)}`)}</title></rect></g>`
      start += value
    })
    line += `<text class="chart-value" x="${px(x(totals[row]) + 6)}" y="${y + 15}" fill="currentColor">${escapeXml(format(totals[row]))}</text>`
    body += linked(line, input.links?.[row], `${category}: ${format(totals[row])}, open the list`)
  })

  const description =
    input.description ??
    input.categories
      .map(
        (category, row) =>
          `${category}: ${input.segments.map((segment) => `${segment.name} ${format(segment.values[row] ?? 0)}`).join(', ')}`
      )
      .join('; ')

  return {
    id,
    title: input.title,
    description: description || 'No data in this period.',
    svg: withLinks(
      svgOpen({
        id,
        title: input.title,
        description: description || 'No data in this period.',
        width,
        height,
        className: 'chart--stacked',
      }) +
        body +
        '</svg>'
    ),
    table: {
      columns: ['', ...input.segments.map((segment) => segment.name), 'Total'],
      rows: input.categories.map((category, row) => [
        category,
        ...input.segments.map((segment) => format(segment.values[row] ?? 0)),
        format(totals[row]),
      ]),
      links: input.links?.map((href) => [href, ...input.segments.map(() => null), null]),
    },
  }
}

export type BarChartInput = {
  title: string
  description?: string
  /** href: the list behind the bar, if any */
  bars: { label: string; value: number; className?: string; href?: string | null }[]
  format?: Formatter
  width?: number
}

/**
 * Horizontal bars with the value at the end (vulnerabilities by
 * severity, pull requests per repository).
 */
export function barChart(input: BarChartInput): Chart {
  const width = input.width ?? 480
  const format = input.format ?? formatCompact
  const id = chartId('bar', input.title, input.bars)
  const height = 8 + Math.max(1, input.bars.length) * ROW + 8
  const high = Math.max(1, ...input.bars.map((bar) => bar.value))
  const x = linearScale([0, high], [LABEL_WIDTH, width - 56])
  let body = ''
  input.bars.forEach((bar, row) => {
    const y = 8 + row * ROW
    const barWidth = Math.max(bar.value > 0 ? 2 : 0, x(Math.max(0, bar.value)) - LABEL_WIDTH)
    body += linked(
      `<text class="chart-label" x="${LABEL_WIDTH - 8}" y="${y + 15}" text-anchor="end" fill="currentColor">${escapeXml(truncate(bar.label, 20))}</text>` +
        `<rect class="chart-track" x="${LABEL_WIDTH}" y="${y + 3}" width="${px(width - 56 - LABEL_WIDTH)}" height="${ROW - 10}" rx="3" fill="currentColor"/>` +
        `<g class="${seriesClass(row, bar.className)}"><rect x="${LABEL_WIDTH}" y="${y + 3}" width="${px(barWidth)}" height="${ROW - 10}" rx="3" fill="currentColor">` +
        `<title>${escapeXml(`${bar.label}: ${format(bar.value)}`)}</title></rect></g>` +
        `<text class="chart-value" x="${px(LABEL_WIDTH + barWidth + 6)}" y="${y + 15}" fill="currentColor">${escapeXml(format(bar.value))}</text>`,
      bar.href,
      `${bar.label}: ${format(bar.value)}, open the list`
    )
  })
  const description =
    input.description ??
    (input.bars.length
      ? input.bars.map((bar) => `${bar.label}: ${format(bar.value)}`).join('; ')
      : 'No data in this period.')
  return {
    id,
    title: input.title,
    description,
    svg: withLinks(
      svgOpen({ id, title: input.title, description, width, height, className: 'chart--bar' }) +
        body +
        '</svg>'
    ),
    table: {
      columns: ['', 'Value'],
      rows: input.bars.map((bar) => [bar.label, format(bar.value)]),
      links: input.bars.some((bar) => bar.href)
        ? input.bars.map((bar) => [null, bar.href ?? null])
        : undefined,
    },
  }
}

function truncate(text: string, length: number) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text
}
