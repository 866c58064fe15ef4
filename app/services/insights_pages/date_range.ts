import { DateTime } from 'luxon'
import { errors as vineErrors } from '@vinejs/vine'
import { insightFiltersValidator, type RANGE_PRESETS } from '#validators/insights'
import type { Day } from '#services/insights/types'

export type RangePreset = (typeof RANGE_PRESETS)[number] | 'custom'

/**
 * The period a dashboard shows and the one just before it, of the same
 * length, that trends compare with.
 */
export type DateRange = {
  preset: RangePreset
  from: Day
  to: Day
  days: number
  previous: { from: Day; to: Day }
  label: string
}

export type ResolvedFilters = {
  range: DateRange
  format: 'html' | 'csv'
  table: string | null
  geography: string | null
  /**
   * Why the request's own range was not used (the page falls back to
   * the default and says so next to the form, with a 422).
   */
  error: string | null
}

export const DEFAULT_PRESET = '90'
const LONGEST_RANGE_DAYS = 731

function parseDay(value: string | undefined) {
  if (!value) return null
  const parsed = DateTime.fromISO(value, { zone: 'utc' })
  return parsed.isValid ? parsed.startOf('day') : null
}

export function buildRange(preset: RangePreset, from: DateTime, to: DateTime): DateRange {
  const days = Math.round(to.diff(from, 'days').days) + 1
  const previousTo = from.minus({ days: 1 })
  const previousFrom = previousTo.minus({ days: days - 1 })
  const format = (moment: DateTime) => moment.toFormat('d LLL yyyy')
  return {
    preset,
    from: from.toISODate()!,
    to: to.toISODate()!,
    days,
    previous: { from: previousFrom.toISODate()!, to: previousTo.toISODate()! },
    label: preset === 'custom' ? `${format(from)} – ${format(to)}` : `Last ${days} days`,
  }
}

/** the calendar day of a moment in its own zone (the organisation's), as a UTC date for day arithmetic */
function calendarDay(moment: DateTime) {
  return DateTime.fromISO(moment.toISODate()!, { zone: 'utc' })
}

/**
 * The last range built for each preset, with the day it counts back
 * from: every dashboard page asks for one, and luxon's day arithmetic and
 * formatting were 2% of the Executive Summary's CPU. A copy is returned,
 * so a caller cannot change what the next one gets.
 */
const lastPresetRanges = new Map<string, { day: string; range: DateRange }>()

export function presetRange(preset: (typeof RANGE_PRESETS)[number], today: DateTime): DateRange {
  const day = today.toISODate()!
  let last = lastPresetRanges.get(preset)
  if (last?.day !== day) {
    const to = calendarDay(today)
    last = { day, range: buildRange(preset, to.minus({ days: Number(preset) - 1 }), to) }
    lastPresetRanges.set(preset, last)
  }
  return { ...last.range, previous: { ...last.range.previous } }
}

/**
 * Reads the filter query string: presets count back from today (in
 * the zone of `today`: the organisation's time zone),
 * a custom range needs both days, in order, at most two years long and
 * not in the future. Anything else falls back to the default range
 * with a message.
 */
export async function resolveFilters(
  query: Record<string, unknown>,
  today: DateTime = DateTime.utc()
): Promise<ResolvedFilters> {
  const fallback = (error: string | null): ResolvedFilters => ({
    range: presetRange(DEFAULT_PRESET, today),
    format: query.format === 'csv' ? 'csv' : 'html',
    table: null,
    geography: null,
    error,
  })
  let fields: Awaited<ReturnType<typeof insightFiltersValidator.validate>>
  try {
    fields = await insightFiltersValidator.validate(query)
  } catch (error) {
    if (error instanceof vineErrors.E_VALIDATION_ERROR) {
      return fallback('Choose a period from the list, or two days written as YYYY-MM-DD.')
    }
    throw error
  }
  const base = {
    format: fields.format ?? 'html',
    table: fields.table ?? null,
    geography: fields.geography ?? null,
  }
  const preset = fields.range ?? (fields.from || fields.to ? 'custom' : DEFAULT_PRESET)
  if (preset !== 'custom') return { ...base, range: presetRange(preset, today), error: null }

  const from = parseDay(fields.from)
  const to = parseDay(fields.to)
  const todayLocal = calendarDay(today)
  let error: string | null = null
  if (!from || !to) error = 'A custom period needs both a start and an end day.'
  else if (from > to) error = 'The start day must come before the end day.'
  else if (to > todayLocal) error = 'The end day cannot be in the future.'
  else if (to.diff(from, 'days').days + 1 > LONGEST_RANGE_DAYS) {
    error = 'A custom period can be at most two years long.'
  }
  if (error || !from || !to) {
    return { ...base, range: presetRange(DEFAULT_PRESET, today), error: error ?? 'Invalid period.' }
  }
  return { ...base, range: buildRange('custom', from, to), error: null }
}

/**
 * The query string that reproduces a range (links, exports, htmx).
 */
export function rangeQuery(range: DateRange, extra: Record<string, string> = {}) {
  const params: Record<string, string> =
    range.preset === 'custom'
      ? { range: 'custom', from: range.from, to: range.to }
      : { range: range.preset }
  return new URLSearchParams({ ...params, ...extra }).toString()
}

/** now in the organisation's time zone: its presets count back from its today */
export function organizationNow(organization: { timeZone?: string | null }) {
  const now = DateTime.now().setZone(organization.timeZone || 'UTC')
  return now.isValid ? now : DateTime.utc()
}
