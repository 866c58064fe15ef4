import type { CsvCell } from '#services/insights_pages/csv'

/**
 * A table of a dashboard: shown on the page (cells, already formatted)
 * and downloadable as CSV (values: numbers stay numbers). Every table a
 * page shows is one of these, so every table has an export.
 */
export type PageTable = {
  name: string
  title: string
  columns: string[]
  /**
   * The CSV header when it differs from the page's (units of raw values:
   * the page shows "4.9 days", the CSV 117.6 under "Cycle time (h)").
   */
  csvColumns?: string[]
  cells: string[][]
  values: CsvCell[][]
  /**
   * Where the first cell of each row links to (a product's page), if anywhere.
   */
  links?: (string | null)[]
  /**
   * The list of the rows behind each row (its merged pull requests, its
   * open vulnerabilities), if any: see "Drill-down" in docs/insights.md.
   */
  drill?: (string | null)[]
  empty: string
  /** a caveat printed under the table (products that share repositories) */
  note?: string
}

export function findTable(tables: PageTable[], name: string | null) {
  return tables.find((table) => table.name === name) ?? null
}

/** the query string a drill-down list opens with: a period and more filters */
export function drillQuery(
  range: { from: string; to: string },
  extra: Record<string, string> = {}
) {
  return `?${new URLSearchParams({ from: range.from, to: range.to, ...extra }).toString()}`
}
