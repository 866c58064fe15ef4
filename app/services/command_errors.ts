/**
 * What an ace command prints when it fails: the error's message, except
 * for a database that was never migrated (a fresh clone before the first
 * `npm start`), where a missing table is a set-up step, not a bug.
 */
export const DATABASE_NOT_SET_UP =
  'the database is not set up yet: run `npm start` or `node ace migration:run`'

export function isDatabaseNotSetUp(error: unknown) {
  const message = error instanceof Error ? error.message : String(error)
  const code = (error as { code?: string } | null)?.code
  // SQLite: "no such table"; PostgreSQL: undefined_table (42P01).
  return /no such table/i.test(message) || code === '42P01'
}

export function commandErrorMessage(error: unknown) {
  if (isDatabaseNotSetUp(error)) return DATABASE_NOT_SET_UP
  return error instanceof Error ? error.message : String(error)
}
