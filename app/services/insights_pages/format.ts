/**
 * How numbers read on the dashboards and in their CSV exports.
 */
export function formatHours(hours: number | null | undefined): string {
  if (hours === null || hours === undefined || !Number.isFinite(hours)) return '–'
  if (hours < 1) return `${Math.round(hours * 60)} min`
  if (hours < 48) return `${trim(hours.toFixed(1))} h`
  return `${trim((hours / 24).toFixed(1))} days`
}

export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–'
  return `${trim(value.toFixed(1))}%`
}

export function formatNumber(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–'
  const rounded = Number.isInteger(value) ? value : Number(value.toFixed(digits))
  return rounded.toLocaleString('en-GB', { maximumFractionDigits: digits })
}

function trim(text: string) {
  return text.replace(/\.0$/, '')
}

/**
 * A plain value for a CSV cell: numbers stay numbers (rounded), missing
 * values are empty.
 */
export function csvNumber(value: number | null | undefined, digits = 1) {
  if (value === null || value === undefined || !Number.isFinite(value)) return null
  return Number(value.toFixed(digits))
}
