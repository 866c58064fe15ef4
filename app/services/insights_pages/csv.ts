/**
 * CSV exports of the dashboards' tables (RFC 4180: comma separated,
 * CRLF line ends, fields quoted when they hold a comma, quote or line
 * break, quotes doubled).
 *
 * Spreadsheets run a cell that starts with = + - @ (or a tab or carriage
 * return) as a formula, so such text gets a leading apostrophe. Numbers
 * are written as numbers: a negative delta stays a number.
 */
export type CsvCell = string | number | null | undefined

const FORMULA_START = /^[=+\-@\t\r]/

export function csvField(cell: CsvCell): string {
  if (cell === null || cell === undefined) return ''
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : ''
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function toCsv(columns: string[], rows: CsvCell[][]): string {
  return [columns, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n'
}

/**
 * A download name safe in a Content-Disposition header.
 */
export function csvFileName(...parts: string[]) {
  const base = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
  return `${base || 'export'}.csv`
}
