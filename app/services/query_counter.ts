import { writeFileSync } from 'node:fs'
import type { Database } from '@adonisjs/lucid/database'
import type { EmitterService } from '@adonisjs/core/types'

/**
 * Counts the SQL statements this process sends (every knex "query" event
 * of every connection: BEGIN and COMMIT included, since each is a round
 * trip). Benchmarks read it to print queries per page and per delivery;
 * nothing else uses it, and it is off unless installed.
 */
let total = 0
let installed = false

type KnexLike = { on: (event: 'query', listener: () => void) => unknown }

function watch(client: KnexLike | undefined, seen: Set<KnexLike>) {
  if (!client || seen.has(client)) return
  seen.add(client)
  client.on('query', () => {
    total += 1
  })
}

export function installQueryCounter(db: Database, emitter: EmitterService) {
  if (installed) return
  installed = true
  const seen = new Set<KnexLike>()
  const attach = (connection: { client?: unknown; readClient?: unknown }) => {
    watch(connection.client as KnexLike | undefined, seen)
    watch(connection.readClient as KnexLike | undefined, seen)
  }
  for (const [, node] of db.manager.connections) {
    if (node.connection) attach(node.connection)
  }
  emitter.on('db:connection:connect', (connection) => attach(connection))
}

export function queryCount() {
  return total
}

/**
 * In a server under benchmark (SQL_QUERY_COUNT_FILE set): the running
 * total, written to that file whenever it changed, at most every 50 ms,
 * so the benchmark process can read the difference over its requests.
 */
export function publishQueryCount(file: string) {
  let written = -1
  const write = () => {
    if (written === total) return
    written = total
    writeFileSync(file, String(total))
  }
  write()
  setInterval(write, 50).unref()
  return write
}
