import {
  type Chart,
  type Formatter,
  chartId,
  escapeXml,
  formatCompact,
  px,
  linked,
  seriesClass,
  svgOpen,
  withLinks,
} from '#services/charts/svg'

export type DonutInput = {
  title: string
  description?: string
  /** href: the list behind the slice, if any */
  slices: { name: string; value: number; className?: string; href?: string | null }[]
  /**
   * The figure in the hole (e.g. "38%" AI-assisted); the total otherwise.
   */
  centre?: string
  format?: Formatter
}

/**
 * Shares of a whole (GenAI composition, severities): a ring of arcs and
 * a legend with each slice's value and percentage.
 */
export function donutChart(input: DonutInput): Chart {
  const width = 360
  const height = 180
  const format = input.format ?? formatCompact
  const id = chartId('donut', input.title, input.slices)
  const total = input.slices.reduce((sum, slice) => sum + Math.max(0, slice.value), 0)
  const share = (value: number) => (total > 0 ? Math.round((value / total) * 1000) / 10 : 0)
  const cx = 90
  const cy = 90
  const outer = 78
  const inner = 50

  let body = ''
  if (total === 0) {
    body += `<circle class="chart-track" cx="${cx}" cy="${cy}" r="${(outer + inner) / 2}" fill="none" stroke="currentColor" stroke-width="${outer - inner}"/>`
  } else {
    let angle = -Math.PI / 2
    input.slices.forEach((slice, index) => {
      const value = Math.max(0, slice.value)
      if (value === 0) return
      const sweep = (value / total) * Math.PI * 2
      const label = `${slice.name}: ${format(value)} (${share(value)}%)`
      const className = seriesClass(index, slice.className)
      if (sweep >= Math.PI * 2 - 1e-9) {
        body += linked(
          `<g class="${className}"><circle cx="${cx}" cy="${cy}" r="${(outer + inner) / 2}" fill="none" stroke="currentColor" stroke-width="${outer - inner}"><title>${escapeXml(label)}</title></circle></g>`,
          slice.href,
          label
        )
      } else {
        body += linked(
          `<g class="${className}"><path d="${arcPath(cx, cy, outer, inner, angle, angle + sweep)}" fill="currentColor"><title>${escapeXml(label)}</title></path></g>`,
          slice.href,
          label
        )
      }
      angle += sweep
    })
  }
  const centre = input.centre ?? format(total)
  body += `<text class="chart-centre" x="${cx}" y="${cy + 7}" text-anchor="middle" fill="currentColor">${escapeXml(centre)}</text>`
  input.slices.forEach((slice, index) => {
    const y = 30 + index * 24
    const entry = `${slice.name} · ${format(slice.value)} (${share(slice.value)}%)`
    body += linked(
      `<g class="${seriesClass(index, slice.className)}"><rect x="192" y="${y - 10}" width="12" height="12" rx="3" fill="currentColor"/></g>` +
        `<text class="chart-legend-label" x="210" y="${y}" fill="currentColor">${escapeXml(entry)}</text>`,
      slice.href,
      entry
    )
  })
  const description =
    input.description ??
    (total > 0
      ? input.slices.map((slice) => `${slice.name} ${share(slice.value)}%`).join(', ')
      : 'No data in this period.')
  return {
    id,
    title: input.title,
    description,
    svg: withLinks(
      svgOpen({ id, title: input.title, description, width, height, className: 'chart--donut' }) +
        body +
        '</svg>'
    ),
    table: {
      columns: ['', 'Value', 'Share'],
      rows: input.slices.map((slice) => [
        slice.name,
        format(slice.value),
        `${share(slice.value)}%`,
      ]),
      links: input.slices.some((slice) => slice.href)
        ? input.slices.map((slice) => [slice.href ?? null, null, null])
        : undefined,
    },
  }
}

/**
 * One ring segment between two angles (radians, clockwise from 3 o'clock).
 */
export function arcPath(
  cx: number,
  cy: number,
  outer: number,
  inner: number,
  from: number,
  to: number
) {
  const large = to - from > Math.PI ? 1 : 0
  const point = (radius: number, angle: number) =>
    `${px(cx + radius * Math.cos(angle))} ${px(cy + radius * Math.sin(angle))}`
  return (
    `M ${point(outer, from)} A ${outer} ${outer} 0 ${large} 1 ${point(outer, to)} ` +
    `L ${point(inner, to)} A ${inner} ${inner} 0 ${large} 0 ${point(inner, from)} Z`
  )
}

export type GaugeInput = {
  title: string
  value: number | null
  max?: number
  /**
   * A word under the number ("Good", "B").
   */
  label?: string
  /**
   * Colour band by value: bad below the first threshold, fair below the
   * second, good above.
   */
  thresholds?: [number, number]
}

/**
 * A half-ring gauge for a score out of 100.
 */
export function gauge(input: GaugeInput): Chart {
  const width = 220
  const height = 132
  const max = input.max ?? 100
  const id = chartId('gauge', input.title, [input.value, max])
  const cx = 110
  const cy = 110
  const outer = 96
  const inner = 72
  const [bad, fair] = input.thresholds ?? [50, 75]
  const value = input.value === null ? null : Math.min(max, Math.max(0, input.value))
  const tone =
    value === null
      ? 'chart-neutral'
      : value < bad
        ? 'chart-bad'
        : value < fair
          ? 'chart-fair'
          : 'chart-good'
  let body = `<path class="chart-track" d="${arcPath(cx, cy, outer, inner, Math.PI, Math.PI * 2)}" fill="currentColor"/>`
  if (value !== null && value > 0) {
    body += `<g class="${tone}"><path d="${arcPath(cx, cy, outer, inner, Math.PI, Math.PI + (value / max) * Math.PI)}" fill="currentColor"/></g>`
  }
  const shown = value === null ? '–' : String(Math.round(value))
  body += `<text class="chart-gauge-value" x="${cx}" y="${cy - 14}" text-anchor="middle" fill="currentColor">${escapeXml(shown)}</text>`
  if (input.label) {
    body += `<text class="chart-gauge-label" x="${cx}" y="${cy + 14}" text-anchor="middle" fill="currentColor">${escapeXml(input.label)}</text>`
  }
  const description =
    value === null
      ? 'Not scored yet.'
      : `${shown} out of ${max}${input.label ? ` (${input.label})` : ''}.`
  return {
    id,
    title: input.title,
    description,
    svg: withLinks(
      svgOpen({ id, title: input.title, description, width, height, className: 'chart--gauge' }) +
        body +
        '</svg>'
    ),
    table: {
      columns: ['', 'Value'],
      rows: [[input.title, value === null ? '–' : `${shown} / ${max}`]],
    },
  }
}
