import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { sqlTime } from '#services/sql'
import type { Day } from '#services/insights/types'
import type { DayZone } from '#services/insights/time_zone'

/**
 * SQL fragments that differ between engines, so every insights query is
 * written once. Datetime columns hold UTC moments: text
 * ('YYYY-MM-DD HH:MM:SS') on SQLite, timestamptz on PostgreSQL,
 * DATETIME on MySQL.
 */
type Engine = 'sqlite' | 'postgres' | 'mysql'

export function engine(): Engine {
  const name = db.connection().dialect.name
  if (name === 'postgres') return 'postgres'
  if (name === 'mysql') return 'mysql'
  return 'sqlite'
}

/** seconds from the moment `start` to the moment `end` (SQL expressions), as a number */
export function secondsBetween(start: string, end: string): string {
  switch (engine()) {
    case 'postgres':
      return `EXTRACT(EPOCH FROM (${end} - ${start}))`
    case 'mysql':
      return `TIMESTAMPDIFF(SECOND, ${start}, ${end})`
    default:
      return `((julianday(${end}) - julianday(${start})) * 86400.0)`
  }
}

/**
 * The local day ('YYYY-MM-DD' text) of a datetime expression in a zone
 * (UTC without one). PostgreSQL converts with the zone's name; SQLite
 * and MySQL add the offset in force at the moment (DayZone's periods).
 */
export function dayOf(expression: string, zone?: DayZone): string {
  const local = zone && zone.name !== 'UTC'
  switch (engine()) {
    case 'postgres':
      return `to_char(${expression} AT TIME ZONE '${local ? zone.name : 'UTC'}', 'YYYY-MM-DD')`
    case 'mysql':
      return local
        ? `DATE_FORMAT(DATE_ADD(${expression}, INTERVAL ${offsetMinutes(expression, zone)} MINUTE), '%Y-%m-%d')`
        : `DATE_FORMAT(${expression}, '%Y-%m-%d')`
    default:
      return local
        ? `substr(datetime(${expression}, ${offsetMinutes(expression, zone)} || ' minutes'), 1, 10)`
        : `substr(${expression}, 1, 10)`
  }
}

/** the zone's offset in minutes at the moment (a CASE over its periods) */
function offsetMinutes(expression: string, zone: DayZone): string {
  if (zone.periods.length === 0) return `(${zone.last})`
  const cases = zone.periods.map(
    (period) => `WHEN ${expression} < '${period.until}' THEN ${period.minutes}`
  )
  return `(CASE ${cases.join(' ')} ELSE ${zone.last} END)`
}

/**
 * A datetime column plus a whole number of seconds, comparable with the
 * engine's datetime columns (SQLite: the 'YYYY-MM-DD HH:MM:SS' text
 * Lucid writes, fractions dropped), so a range on another column can use
 * its index: `x BETWEEN start AND plusSeconds(start, n)`.
 */
export function plusSeconds(column: string, seconds: number): string {
  const whole = Math.ceil(seconds)
  switch (engine()) {
    case 'postgres':
      return `(${column} + INTERVAL '${whole} seconds')`
    case 'mysql':
      return `DATE_ADD(${column}, INTERVAL ${whole} SECOND)`
    default:
      return `datetime(${column}, '+${whole} seconds')`
  }
}

/** TRUE as a literal the engine compares booleans with (SQLite stores 1) */
export function trueLiteral(): string {
  return engine() === 'postgres' ? 'TRUE' : '1'
}

/** whether the text `needle` occurs in the text `haystack` (SQL expressions) */
export function containsText(haystack: string, needle: string): string {
  switch (engine()) {
    case 'postgres':
      return `strpos(${haystack}, ${needle}) > 0`
    case 'mysql':
      return `LOCATE(${needle}, ${haystack}) > 0`
    default:
      return `instr(${haystack}, ${needle}) > 0`
  }
}

/**
 * A placeholder for a moment bound as a parameter where the engine must
 * know it is a timestamp (arithmetic, not just comparison).
 */
export function momentParameter(): string {
  return engine() === 'postgres' ? 'CAST(? AS timestamptz)' : '?'
}

/** the first moment of a local day (UTC by default), as UTC written the way datetime columns are */
export function startOfDay(day: Day, zone = 'UTC'): string {
  return sqlTime(DateTime.fromISO(day, { zone }).startOf('day').toUTC())
}

/** the first moment after a local day (UTC by default) */
export function endOfDay(day: Day, zone = 'UTC'): string {
  return sqlTime(DateTime.fromISO(day, { zone }).startOf('day').plus({ days: 1 }).toUTC())
}

/** today in a zone (UTC by default) */
export function today(now: DateTime = DateTime.utc(), zone = 'UTC'): Day {
  return now.setZone(zone).toISODate()!
}

export function addDays(day: Day, days: number): Day {
  return DateTime.fromISO(day, { zone: 'utc' }).plus({ days }).toISODate()!
}

/** inclusive number of days from `from` to `to` */
export function daysInRange(from: Day, to: Day): number {
  const span = DateTime.fromISO(to, { zone: 'utc' }).diff(
    DateTime.fromISO(from, { zone: 'utc' }),
    'days'
  ).days
  return Math.max(0, Math.round(span) + 1)
}

/** every day of an inclusive range, in order */
export function eachDay(from: Day, to: Day): Day[] {
  const days: Day[] = []
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day)
  return days
}

/** the rows of a raw SELECT, whatever the driver's result shape */
export function selectRows<Row = Record<string, unknown>>(result: unknown): Row[] {
  if (Array.isArray(result)) {
    // mysql2 answers [rows, fields]; better-sqlite3 answers the rows
    return (engine() === 'mysql' ? result[0] : result) as Row[]
  }
  return ((result as { rows?: Row[] }).rows ?? []) as Row[]
}
