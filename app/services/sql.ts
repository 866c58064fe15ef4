import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'

/**
 * A moment formatted the way Lucid itself writes datetime columns on the
 * current engine, for raw queries (conditional updates, comparisons).
 * A JS Date would be stored as a number by SQLite. An invalid moment
 * (1e308 days ago) is refused: formatted, it would be the text "Invalid
 * DateTime", which SQLite compares as older than every date.
 */
export function sqlTime(moment: DateTime = DateTime.now()) {
  if (!moment.isValid) {
    throw new InvalidMomentError(moment.invalidExplanation ?? moment.invalidReason ?? 'unknown')
  }
  return moment.toFormat(db.connection().dialect.dateTimeFormat)
}

export class InvalidMomentError extends Error {
  constructor(reason: string) {
    super(`Refusing to query with an invalid date (${reason})`)
  }
}

/**
 * Whether a conditional UPDATE changed exactly one row: the way a
 * single-use token, code or step is claimed by one request only. Drivers
 * report the count as a number or as a one-element array.
 */
export function updatedExactlyOne(result: unknown) {
  return Number(Array.isArray(result) ? result[0] : result) === 1
}

/**
 * A case-insensitive "contains" pattern for `LIKE ? ESCAPE '!'`, with the
 * user's own % and _ matched literally; null for an empty search. "!" is
 * the escape character because a backslash is itself an escape inside
 * MySQL string literals.
 */
export function containsPattern(search: string | null | undefined) {
  const term = search?.trim().toLowerCase()
  return term ? `%${term.replace(/[!%_]/g, (char) => `!${char}`)}%` : null
}

/**
 * The id of a row inserted with `.returning('id')`, or null when an
 * `onConflict().ignore()` skipped it. PostgreSQL and SQLite return the
 * RETURNING rows (none on conflict); MySQL returns [insertId], 0 when
 * INSERT IGNORE skipped the row.
 */
export function insertedId(result: unknown): number | null {
  const [first] = Array.isArray(result) ? result : []
  const id = typeof first === 'object' && first !== null ? (first as { id: unknown }).id : first
  const numeric = Number(id)
  return Number.isSafeInteger(numeric) && numeric > 0 ? numeric : null
}

/**
 * A datetime column read by a raw query: PostgreSQL's driver gives a
 * Date, SQLite the text sqlTime() wrote (in the process's zone, as Lucid
 * writes it).
 */
export function fromSqlTime(value: unknown): Date | null {
  if (value === null || value === undefined || value === '') return null
  if (value instanceof Date) return value
  const parsed = DateTime.fromSQL(String(value))
  return parsed.isValid ? parsed.toJSDate() : new Date(String(value))
}

/**
 * Whether a number from a URL fits an INTEGER column. A bigger one is no
 * row, but PostgreSQL refuses the comparison outright ("out of range for
 * type integer"), which would answer a made-up URL with a 500.
 */
export function fitsIntegerColumn(value: number) {
  return Number.isInteger(value) && Math.abs(value) <= 2_147_483_647
}
