/**
 * Prepared statements kept per SQLite connection.
 *
 * knex compiles every query with better-sqlite3's `prepare` again (its
 * dialect keeps no statements), and SQLite's statement compilation was
 * the largest single cost of a webhook delivery in the CPU profile
 * (docs/performance.md, "Webhooks"). A connection's `prepare` is wrapped
 * so that the same SQL text returns the statement it compiled before.
 *
 * Safe because knex (and rate-limiter-flexible, which borrows the same
 * connections) only runs a statement to completion with `all`, `get` or
 * `run` while it holds the connection, never leaves one iterating, and
 * sets no per-statement mode (`raw`, `pluck`, `expand`; `safeIntegers`
 * only when a query asks for it, which none here does). A statement
 * whose table was altered is recompiled by SQLite itself when it runs.
 * The least recently used statements are dropped past `limit`, so SQL
 * with varying placeholder counts (`whereIn`) cannot grow it without end.
 */
type Preparer = { prepare(sql: string): unknown }

export const STATEMENT_CACHE_LIMIT = 500

export function cachePreparedStatements<T extends Preparer>(
  connection: T,
  limit = STATEMENT_CACHE_LIMIT
) {
  const prepare = connection.prepare.bind(connection)
  const statements = new Map<string, unknown>()
  connection.prepare = (sql: string) => {
    const kept = statements.get(sql)
    if (kept !== undefined) {
      // most recently used last: Map keeps insertion order
      statements.delete(sql)
      statements.set(sql, kept)
      return kept
    }
    const statement = prepare(sql)
    statements.set(sql, statement)
    if (statements.size > limit) statements.delete(statements.keys().next().value!)
    return statement
  }
  return connection
}
