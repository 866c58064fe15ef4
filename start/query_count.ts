/*
|--------------------------------------------------------------------------
| SQL statement count (benchmarks only)
|--------------------------------------------------------------------------
|
| With SQL_QUERY_COUNT_FILE set, the web process counts the statements it
| sends and keeps the total in that file: `npm run bench` divides it by
| the pages or deliveries it served. Unset (always, outside benchmarks),
| this does nothing.
|
*/
import app from '@adonisjs/core/services/app'

const file = process.env.SQL_QUERY_COUNT_FILE
if (file) {
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { default: emitter } = await import('@adonisjs/core/services/emitter')
  const { installQueryCounter, publishQueryCount } = await import('#services/query_counter')
  installQueryCounter(db, emitter)
  const write = publishQueryCount(file)
  app.terminating(() => write())
}
