import {
  type Chart,
  type Formatter,
  chartId,
  formatCompact,
  linearScale,
  px,
  svgOpen,
  withLinks,
} from '#services/charts/svg'

export type SparklineInput = {
  title: string
  labels: string[]
  values: (number | null)[]
  format?: Formatter
  /**
   * "up" when a rising line is good news (throughput), "down" when it is
   * bad news (cycle time): the line's class says which, CSS colours it.
   */
  better?: 'up' | 'down'
  /**
   * The colour when the caller has already judged the trend (a KPI card
   * compares whole periods, not the first and last points).
   */
  tone?: 'good' | 'bad' | 'neutral'
  width?: number
  height?: number
}

/**
 * A tiny trend line for a KPI card: no axes, the last point marked.
 */
export function sparkline(input: SparklineInput): Chart {
  const width = input.width ?? 120
  const height = input.height ?? 36
  const format = input.format ?? formatCompact
  const id = chartId('spark', input.title, [input.labels, input.values])
  const known = input.values.filter((value): value is number => value !== null)
  const description = known.length
    ? `${known.length} points from ${format(known[0])} to ${format(known.at(-1)!)}; lowest ${format(Math.min(...known))}, highest ${format(Math.max(...known))}.`
    : 'No data in this period.'

  let body = ''
  if (known.length > 0) {
    const pad = 3
    const x = linearScale([0, Math.max(1, input.values.length - 1)], [pad, width - pad])
    const low = Math.min(...known)
    const high = Math.max(...known)
    const y = linearScale(low === high ? [low - 1, high + 1] : [low, high], [height - pad, pad])
    const segments = pathSegments(input.values, x, y)
    const trend = known.length > 1 ? Math.sign(known.at(-1)! - known[0]) : 0
    const good = input.better === 'down' ? trend < 0 : trend > 0
    const judged = input.tone ?? (trend === 0 || !input.better ? 'neutral' : good ? 'good' : 'bad')
    const tone = `chart-${judged}`
    const lastIndex = input.values.findLastIndex((value) => value !== null)
    body =
      `<g class="${tone}">` +
      segments
        .map(
          (points) =>
            `<polyline class="chart-line" fill="none" stroke="currentColor" stroke-width="1.75" stroke-linejoin="round" stroke-linecap="round" points="${points}"/>`
        )
        .join('') +
      `<circle cx="${px(x(lastIndex))}" cy="${px(y(input.values[lastIndex]!))}" r="2.5" fill="currentColor"/>` +
      `</g>`
  }

  return {
    id,
    title: input.title,
    description,
    svg: withLinks(
      svgOpen({
        id,
        title: input.title,
        description,
        width,
        height,
        className: 'chart--sparkline',
      }) +
        body +
        '</svg>'
    ),
    table: {
      columns: ['Period', input.title],
      rows: input.labels.map((label, index) => {
        const value = input.values[index]
        return [label, value === null || value === undefined ? '–' : format(value)]
      }),
    },
  }
}

/**
 * Consecutive known points as polyline point lists; a null breaks the
 * line instead of pretending the value was zero.
 */
export function pathSegments(
  values: (number | null)[],
  x: (index: number) => number,
  y: (value: number) => number
) {
  const segments: string[] = []
  let current: string[] = []
  values.forEach((value, index) => {
    if (value === null || value === undefined || !Number.isFinite(value)) {
      if (current.length) segments.push(current.join(' '))
      current = []
      return
    }
    current.push(`${px(x(index))},${px(y(value))}`)
  })
  if (current.length) segments.push(current.join(' '))
  return segments
}
