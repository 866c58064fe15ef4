import db from '@adonisjs/lucid/services/db'
import emitter from '@adonisjs/core/services/emitter'
import type { WebClient } from '#tests/helpers/web_client'

/**
 * The session store deletes expired sessions on a random 2% of requests:
 * housekeeping of the framework, not the page's work, so it is left out.
 */
const SESSION_GC = /^delete from [`"]?sessions[`"]? where [`"]?expires_at[`"]? <=/i

/**
 * The SQL statements one page request issues, recorded through Lucid's
 * `db:query` events (query debug on for this request only). Throws when
 * the page does not answer 200, so a count is never taken of an error page.
 */
export async function statementsOfPage(web: WebClient, path: string) {
  const connection = db.manager.get(db.primaryConnectionName)!
  const statements: string[] = []
  const listener = (query: { sql: string }) => {
    if (!SESSION_GC.test(query.sql)) statements.push(query.sql)
  }
  connection.config.debug = true
  emitter.on('db:query', listener)
  try {
    const response = await web.get(path)
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`)
  } finally {
    emitter.off('db:query', listener)
    connection.config.debug = false
  }
  return statements
}
