import { test } from '@japa/runner'
import {
  barChart,
  donutChart,
  gauge,
  lineChart,
  niceTicks,
  renderFigure,
  sparkline,
  stackedBarChart,
  formatCompact,
} from '#services/charts/index'

/**
 * What every chart must be: an accessible image (role, title and
 * description referenced by aria-labelledby) and free of style
 * attributes, which the Content-Security-Policy would block.
 */
function assertAccessibleSvg(assert: any, svg: string, title: string) {
  assert.match(svg, /^<svg [^>]*role="img"/)
  const labelledBy = /aria-labelledby="([^" ]+) ([^"]+)"/.exec(svg)
  assert.isNotNull(labelledBy)
  assert.include(svg, `<title id="${labelledBy![1]}">${title}</title>`)
  assert.include(svg, `<desc id="${labelledBy![2]}">`)
  assert.notMatch(svg, /style=/)
  assert.match(svg, /<\/svg>$/)
}

test.group('Charts | line chart', () => {
  const input = {
    title: 'Merged pull requests',
    labels: ['2026-06-01', '2026-06-08', '2026-06-15'],
    series: [
      { name: 'Merged', values: [4, 10, 7] },
      { name: 'Opened', values: [6, null, 9] },
    ],
  }

  test('is an accessible SVG with gridlines, one line per series and a legend', ({ assert }) => {
    const chart = lineChart(input)
    assertAccessibleSvg(assert, chart.svg, 'Merged pull requests')
    assert.include(chart.svg, 'class="chart-grid"')
    assert.include(chart.svg, 'class="chart-legend"')
    assert.include(chart.svg, 'class="chart-series chart-c1"')
    assert.include(chart.svg, 'class="chart-series chart-c2"')
    assert.include(chart.description, 'Merged: from 4 to 7')
  })

  test('a missing value breaks the line instead of dropping to zero', ({ assert }) => {
    const chart = lineChart(input)
    const opened = chart.svg.split('chart-series chart-c2')[1].split('</g>')[0]
    assert.lengthOf([...opened.matchAll(/<polyline /g)], 2)
  })

  test('the data table has one row per label and one column per series', ({ assert }) => {
    const { table } = lineChart(input)
    assert.deepEqual(table.columns, ['Period', 'Merged', 'Opened'])
    assert.deepEqual(table.rows, [
      ['2026-06-01', '4', '6'],
      ['2026-06-08', '10', '–'],
      ['2026-06-15', '7', '9'],
    ])
  })

  test('says so when there is nothing to plot', ({ assert }) => {
    const chart = lineChart({
      title: 'Empty',
      labels: ['a', 'b'],
      series: [{ name: 'x', values: [null, null] }],
    })
    assert.include(chart.svg, 'No data in this period')
    assert.equal(chart.description, 'No data in this period.')
  })

  test('text from data is escaped', ({ assert }) => {
    const chart = lineChart({
      title: 'A <b> & "c"',
      labels: ['<script>'],
      series: [{ name: '<img>', values: [1] }],
    })
    assert.notInclude(chart.svg, '<script>')
    assert.notInclude(chart.svg, '<img>')
    assert.include(chart.svg, '<title id="chart-line-a-b-c-')
    assert.include(chart.svg, 'A &lt;b&gt; &amp; &quot;c&quot;')
  })
})

test.group('Charts | sparkline', () => {
  test('marks a falling cycle time as good news and a falling throughput as bad', ({ assert }) => {
    const labels = ['w1', 'w2', 'w3']
    const cycle = sparkline({ title: 'Cycle time', labels, values: [30, 24, 18], better: 'down' })
    const throughput = sparkline({
      title: 'Throughput',
      labels,
      values: [30, 24, 18],
      better: 'up',
    })
    assertAccessibleSvg(assert, cycle.svg, 'Cycle time')
    assert.include(cycle.svg, 'class="chart-good"')
    assert.include(
      sparkline({ title: 'T', labels, values: [1, 2, 1], better: 'up', tone: 'good' }).svg,
      `class="chart-good"`
    )
    assert.include(throughput.svg, 'class="chart-bad"')
    assert.equal(cycle.description, '3 points from 30 to 18; lowest 18, highest 30.')
  })

  test('the same data renders the same markup (ids are stable for caching)', ({ assert }) => {
    const a = sparkline({ title: 'T', labels: ['a'], values: [1] })
    const b = sparkline({ title: 'T', labels: ['a'], values: [1] })
    const c = sparkline({ title: 'T', labels: ['a'], values: [2] })
    assert.equal(a.svg, b.svg)
    assert.notEqual(a.id, c.id)
  })
})

test.group('Charts | bars, donut and gauge', () => {
  test('stacked bars total each category and list every phase in the table', ({ assert }) => {
    const chart = stackedBarChart({
      title: 'Cycle time split',
      categories: ['Checkout', 'Search'],
      segments: [
        { name: 'Coding', values: [10, 4] },
        { name: 'Pickup', values: [2, 6] },
        { name: 'Review', values: [5, 1] },
        { name: 'Deploy', values: [1, 0] },
      ],
    })
    assertAccessibleSvg(assert, chart.svg, 'Cycle time split')
    assert.deepEqual(chart.table.columns, ['', 'Coding', 'Pickup', 'Review', 'Deploy', 'Total'])
    assert.deepEqual(chart.table.rows, [
      ['Checkout', '10', '2', '5', '1', '18'],
      ['Search', '4', '6', '1', '0', '11'],
    ])
    // a zero phase draws no rectangle: 4 + 3 segments
    assert.lengthOf(
      [...chart.svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="20"/g)],
      7
    )
  })

  test('bar colours can come from a class (severity)', ({ assert }) => {
    const chart = barChart({
      title: 'Open vulnerabilities',
      bars: [
        { label: 'Critical', value: 3, className: 'chart-sev-critical' },
        { label: 'Low', value: 0, className: 'chart-sev-low' },
      ],
    })
    assertAccessibleSvg(assert, chart.svg, 'Open vulnerabilities')
    assert.include(chart.svg, '<g class="chart-sev-critical">')
    assert.equal(chart.description, 'Critical: 3; Low: 0')
  })

  test('a donut gives each slice its share, and a lone slice is a full ring', ({ assert }) => {
    const chart = donutChart({
      title: 'AI-assisted commits',
      slices: [
        { name: 'AI-assisted', value: 25 },
        { name: 'Other', value: 75 },
      ],
      centre: '25%',
    })
    assertAccessibleSvg(assert, chart.svg, 'AI-assisted commits')
    assert.deepEqual(chart.table.rows, [
      ['AI-assisted', '25', '25%'],
      ['Other', '75', '75%'],
    ])
    assert.lengthOf([...chart.svg.matchAll(/<path d="M /g)], 2)
    const whole = donutChart({ title: 'All', slices: [{ name: 'Only', value: 5 }] })
    assert.include(whole.svg, '<circle cx="90" cy="90" r="64" fill="none" stroke="currentColor"')
  })

  test('the gauge colours a score by band and shows a dash before the first score', ({
    assert,
  }) => {
    assert.include(gauge({ title: 'Score', value: 82 }).svg, 'class="chart-good"')
    assert.include(gauge({ title: 'Score', value: 60 }).svg, 'class="chart-fair"')
    assert.include(gauge({ title: 'Score', value: 20 }).svg, 'class="chart-bad"')
    const none = gauge({ title: 'Score', value: null })
    assertAccessibleSvg(assert, none.svg, 'Score')
    assert.equal(none.description, 'Not scored yet.')
    assert.include(none.svg, '>–</text>')
  })
})

test.group('Charts | figure and helpers', () => {
  test('a figure pairs the picture with its data table in a details element', ({ assert }) => {
    const html = renderFigure(
      barChart({ title: 'Severity', bars: [{ label: 'High & <urgent>', value: 2 }] })
    )
    assert.match(
      html,
      /^<figure class="chart-figure" data-chart="chart-bar-severity-[0-9a-f]{8}"><svg /
    )
    assert.include(html, '<details class="chart-details"><summary>Data table: Severity</summary>')
    assert.include(html, '<th scope="row">High &amp; &lt;urgent&gt;</th><td>2</td>')
    assert.notMatch(html, /style=/)
  })

  test('ticks are round numbers covering the data', ({ assert }) => {
    assert.deepEqual(niceTicks(0, 97, 5), [0, 25, 50, 75, 100])
    assert.deepEqual(niceTicks(0, 8, 5), [0, 2, 4, 6, 8])
    assert.deepEqual(niceTicks(0, 0, 5), [0, 1])
    assert.deepEqual(niceTicks(3, 3, 5), [0, 1, 2, 3])
  })

  test('compact numbers', ({ assert }) => {
    assert.equal(formatCompact(1234), '1.2k')
    assert.equal(formatCompact(25_300), '25k')
    assert.equal(formatCompact(2_500_000), '2.5M')
    assert.equal(formatCompact(12.34), '12.3')
    assert.equal(formatCompact(0.456), '0.46')
    assert.equal(formatCompact(40), '40')
  })
})

test.group('Charts | date axis', () => {
  test('days read as "4 Sep" on the axis, never more labels than fit, the last one always', ({
    assert,
  }) => {
    const labels = Array.from({ length: 90 }, (_, index) => {
      const day = new Date(Date.UTC(2026, 8, 4 + index))
      return day.toISOString().slice(0, 10)
    })
    const chart = lineChart({
      title: 'Score',
      labels,
      series: [{ name: 'Score', values: labels.map(() => 50) }],
      width: 400,
    })
    const axis = chart.svg.split('<g class="chart-axis">')[1].split('</g>')[0]
    const shown = [...axis.matchAll(/>([^<]+)<\/text>/g)].map((match) => match[1])
    assert.isAtMost(shown.length, 4)
    assert.equal(shown[0], '4 Sep')
    assert.equal(shown.at(-1), '2 Dec')
    assert.deepEqual(chart.table.rows[0], ['2026-09-04', '50'])
  })
})
