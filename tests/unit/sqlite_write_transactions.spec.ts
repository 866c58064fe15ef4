import { test } from '@japa/runner'
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import db from '@adonisjs/lucid/services/db'
import { sqlitePool } from '#services/sqlite_connection'

/**
 * Transactions on SQLite as the application opens them
 * (app/services/sqlite_connection.ts). The group opens a SQLite file of
 * its own with the application's SQLite settings, so it says the same
 * thing whichever engine the rest of the run uses.
 */
const CONNECTION = 'sqlite_write_transactions'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A second writer on the same file in another thread, as the worker
 * process is: its busy_timeout waits there without blocking this thread.
 */
function otherWriter(file: string) {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads')
    const Database = require(workerData.driver)
    const database = new Database(workerData.file, { timeout: 5000 })
    const increment = database.prepare("UPDATE counters SET value = value + 1 WHERE name = 'hits'")
    parentPort.on('message', () => {
      try {
        increment.run()
        parentPort.postMessage({ committed: true })
      } catch (error) {
        parentPort.postMessage({ committed: false, code: error.code })
      }
    })
    parentPort.postMessage('ready')
  `
  const driver = createRequire(import.meta.url).resolve('better-sqlite3')
  const worker = new Worker(source, { eval: true, workerData: { driver, file } })
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve())
    worker.once('error', reject)
  })
  return {
    ready,
    increment: () =>
      new Promise<{ committed: boolean; code?: string }>((resolve) => {
        worker.once('message', resolve)
        worker.postMessage('increment')
      }),
    stop: () => worker.terminate(),
  }
}

test.group(
  'SQLite write transactions (a SQLite file of their own, whatever the engine)',
  (group) => {
    let directory: string
    let file: string

    group.each.setup(async () => {
      directory = await mkdtemp(join(tmpdir(), 'sextant-sqlite-trx-'))
      file = join(directory, 'race.sqlite3')
      db.manager.add(CONNECTION, {
        client: 'better-sqlite3',
        connection: { filename: file },
        useNullAsDefault: true,
        pool: sqlitePool(),
      })
      const connection = db.connection(CONNECTION)
      await connection.rawQuery('CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER)')
      await connection.table('counters').insert({ name: 'hits', value: 0 })
      return async () => {
        await db.manager.close(CONNECTION, true)
        await rm(directory, { recursive: true, force: true })
      }
    })

    test('a read-then-write transaction is not refused when another process commits between its read and its write', async ({
      assert,
    }) => {
      const other = otherWriter(file)
      try {
        await other.ready
        const connection = db.connection(CONNECTION)
        let otherDone!: Promise<{ committed: boolean; code?: string }>
        await connection.transaction(async (trx) => {
          const { value } = await trx.from('counters').where('name', 'hits').firstOrFail()
          otherDone = other.increment()
          // with a deferred BEGIN the other writer commits here at once, and
          // the update below is refused with SQLITE_BUSY_SNAPSHOT
          await Promise.race([otherDone, sleep(300)])
          await trx
            .from('counters')
            .where('name', 'hits')
            .update({ value: value + 1 })
        })
        assert.deepEqual(
          await otherDone,
          { committed: true },
          'the other writer waited, then wrote'
        )
        const { value } = await connection.from('counters').where('name', 'hits').firstOrFail()
        assert.equal(value, 2, 'neither increment lost')
      } finally {
        await other.stop()
      }
    }).timeout(15_000)

    test('two write transactions of one process take turns without blocking its event loop', async ({
      assert,
    }) => {
      const connection = db.connection(CONNECTION)
      let longestGapMs = 0
      let last = performance.now()
      const ticks = setInterval(() => {
        const now = performance.now()
        longestGapMs = Math.max(longestGapMs, now - last)
        last = now
      }, 10)
      const incrementSlowly = () =>
        connection.transaction(async (trx) => {
          const { value } = await trx.from('counters').where('name', 'hits').firstOrFail()
          await sleep(100) // async work while holding the write lock
          await trx
            .from('counters')
            .where('name', 'hits')
            .update({ value: value + 1 })
          return value
        })
      try {
        const seen = await Promise.all([incrementSlowly(), incrementSlowly()])
        assert.deepEqual(seen.sort(), [0, 1], 'the second began after the first committed')
      } finally {
        clearInterval(ticks)
      }
      const { value } = await connection.from('counters').where('name', 'hits').firstOrFail()
      assert.equal(value, 2)
      // busy_timeout is 5 s: a connection waiting in SQLite would stall the loop that long
      assert.isBelow(longestGapMs, 1000, `the event loop stalled ${Math.round(longestGapMs)} ms`)
    }).timeout(15_000)
  }
)
