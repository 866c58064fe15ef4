/**
 * Server-rendered SVG charts: every function returns the picture and
 * the numbers behind it; renderFigure pairs them for a page.
 */
export { sparkline } from '#services/charts/sparkline'
export { lineChart } from '#services/charts/line_chart'
export { stackedBarChart, barChart } from '#services/charts/bar_charts'
export { donutChart, gauge } from '#services/charts/round_charts'
export {
  renderFigure,
  renderTable,
  formatCompact,
  niceTicks,
  type Chart,
  type DataTable,
  type Formatter,
} from '#services/charts/svg'
