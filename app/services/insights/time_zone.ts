import { DateTime, IANAZone } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { sqlTime } from '#services/sql'
import type { Day } from '#services/insights/types'

/**
 * The organisation's time zone for insights: its days, weekly buckets
 * and presets are local days of that zone (UTC by default). The rollup
 * computes each event's local day in SQL: PostgreSQL converts with the
 * zone itself; SQLite and MySQL, which have no zone database, add the
 * zone's UTC offset in force at the moment, from the offsets and
 * transitions worked out here (luxon's zone database) for the range.
 */
export const DEFAULT_TIME_ZONE = 'UTC'

/** a name IANA knows (Europe/Paris, Australia/Sydney, UTC) and safe to quote in SQL */
export function isTimeZone(name: string): boolean {
  return /^[A-Za-z0-9_+\-/]{1,64}$/.test(name) && IANAZone.isValidZone(name)
}

/** the zone's UTC offsets over a range: before each `until` (UTC moment text) the offset in minutes, then `last` */
export type DayZone = {
  name: string
  periods: Array<{ until: string; minutes: number }>
  last: number
}

export const UTC_ZONE: DayZone = { name: 'UTC', periods: [], last: 0 }

function offsetAt(zone: string, millis: number): number {
  return DateTime.fromMillis(millis, { zone }).offset
}

/**
 * The zone's offsets for the moments of the local days [from, to]
 * (with two days' margin): each change found day by day, then to the
 * minute by bisection.
 */
export function dayZone(name: string, from: Day, to: Day): DayZone {
  if (name === 'UTC' || !isTimeZone(name)) return { ...UTC_ZONE, name: 'UTC' }
  const periods: DayZone['periods'] = []
  const start = DateTime.fromISO(from, { zone: 'utc' }).minus({ days: 2 }).toMillis()
  const end = DateTime.fromISO(to, { zone: 'utc' }).plus({ days: 3 }).toMillis()
  const day = 86_400_000
  let current = offsetAt(name, start)
  for (let moment = start; moment < end; moment += day) {
    const next = offsetAt(name, moment + day)
    if (next === current) continue
    let low = moment
    let high = moment + day
    while (high - low > 60_000) {
      const middle = low + Math.floor((high - low) / 120_000) * 60_000
      if (offsetAt(name, middle) === current) low = middle
      else high = middle
    }
    periods.push({ until: sqlTime(DateTime.fromMillis(high, { zone: 'utc' })), minutes: current })
    current = next
  }
  return { name, periods, last: current }
}

/** the organisation's time zone name (UTC when unset) */
export async function organizationTimeZone(organizationId: number): Promise<string> {
  const row = await db.from('organizations').where('id', organizationId).select('time_zone').first()
  const name = String(row?.time_zone ?? DEFAULT_TIME_ZONE)
  return isTimeZone(name) ? name : DEFAULT_TIME_ZONE
}

/** the zones offered on the settings page: UTC, then every IANA zone the runtime knows */
export function timeZoneChoices(): string[] {
  const known = Intl.supportedValuesOf('timeZone').filter((name) => isTimeZone(name))
  return ['UTC', ...known.filter((name) => name !== 'UTC')]
}
