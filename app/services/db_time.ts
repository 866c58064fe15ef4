import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'

/**
 * A moment formatted the way Lucid itself writes datetime columns on the
 * current engine, for raw queries (conditional updates, comparisons).
 * A JS Date would be stored as a number by SQLite.
 */
export function sqlTime(moment: DateTime = DateTime.now()) {
  return moment.toFormat(db.connection().dialect.dateTimeFormat)
}
