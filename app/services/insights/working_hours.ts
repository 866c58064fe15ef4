import { DateTime } from 'luxon'

/**
 * An organisation's working hours: the ISO weekdays (1 = Monday) it
 * works, and the start and end of its working day ("09:00", "17:00"),
 * in its time zone. Time to first review counts only these hours when
 * the organisation chooses so (Organisation settings).
 */
export type WorkingHours = {
  days: number[]
  starts: string
  ends: string
  zone: string
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/

/** minutes since midnight of "HH:MM", or null */
export function minutesOf(text: string): number | null {
  const match = TIME.exec(text)
  return match ? Number(match[1]) * 60 + Number(match[2]) : null
}

/** the stored days ("1,2,3,4,5") as weekdays; null when one is not 1 to 7 or none is given */
export function parseWorkingDays(text: string): number[] | null {
  const days = [...new Set(text.split(',').map((day) => day.trim()))].filter((day) => day !== '')
  if (days.length === 0 || !days.every((day) => /^[1-7]$/.test(day))) return null
  return days.map(Number).sort((a, b) => a - b)
}

/** why a working week cannot be used, in the words the form shows; null when it can */
export function workingHoursProblem(days: string, starts: string, ends: string): string | null {
  if (parseWorkingDays(days) === null) return 'Tick at least one working day.'
  const from = minutesOf(starts)
  const to = minutesOf(ends)
  if (from === null || to === null) return 'Give the working day’s start and end as HH:MM.'
  if (to <= from) return 'The working day must end after it starts (the same day).'
  return null
}

/**
 * The seconds of [from, to) that fall in working hours: each local day
 * between them that is a working day contributes its overlap with
 * [starts, ends) of that day (daylight saving changes included, since
 * each day's hours are placed in the zone).
 */
export function workingSeconds(from: Date, to: Date, hours: WorkingHours): number {
  if (to.getTime() <= from.getTime()) return 0
  const starts = minutesOf(hours.starts) ?? 0
  const ends = minutesOf(hours.ends) ?? 0
  const end = DateTime.fromJSDate(to).setZone(hours.zone)
  let day = DateTime.fromJSDate(from).setZone(hours.zone).startOf('day')
  let total = 0
  while (day <= end) {
    if (hours.days.includes(day.weekday)) {
      const at = (minutes: number) =>
        day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 }).toMillis()
      const open = Math.max(at(starts), from.getTime())
      const close = Math.min(at(ends), to.getTime())
      if (close > open) total += close - open
    }
    day = day.plus({ days: 1 })
  }
  return total / 1000
}
