import { test } from '@japa/runner'
import Database from 'better-sqlite3'
import db from '@adonisjs/lucid/services/db'
import { cachePreparedStatements } from '#services/sqlite_statements'

/**
 * SQLite statements are compiled once per connection and reused
 * (app/services/sqlite_statements.ts), as the webhook benchmark's profile
 * asked; what a query returns must not change.
 */
function connection(limit?: number) {
  const raw = new Database(':memory:')
  let compiled = 0
  const prepare = raw.prepare.bind(raw)
  raw.prepare = ((sql: string) => {
    compiled += 1
    return prepare(sql)
  }) as typeof raw.prepare
  cachePreparedStatements(raw, limit)
  raw.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)')
  return { raw, compiled: () => compiled }
}

test.group('SQLite prepared statements', () => {
  test('the same SQL is compiled once and runs with each call’s own bindings', ({ assert }) => {
    const { raw, compiled } = connection()
    const insert = 'INSERT INTO items (name) VALUES (?)'
    raw.prepare(insert).run('a')
    raw.prepare(insert).run('b')
    const rows = raw.prepare('SELECT name FROM items ORDER BY id').all()
    assert.deepEqual(rows, [{ name: 'a' }, { name: 'b' }])
    assert.equal(compiled(), 2)
  })

  test('a kept statement sees a column added after it was compiled', ({ assert }) => {
    const { raw } = connection()
    raw.prepare('INSERT INTO items (name) VALUES (?)').run('a')
    assert.deepEqual(raw.prepare('SELECT * FROM items').all(), [{ id: 1, name: 'a' }])
    raw.exec('ALTER TABLE items ADD COLUMN size INTEGER')
    assert.deepEqual(raw.prepare('SELECT * FROM items').all(), [{ id: 1, name: 'a', size: null }])
  })

  test('past the limit the least recently used statement is compiled again', ({ assert }) => {
    const { raw, compiled } = connection(2)
    raw.prepare('SELECT 1')
    raw.prepare('SELECT 2')
    raw.prepare('SELECT 1') // now the most recent
    raw.prepare('SELECT 3') // drops SELECT 2
    assert.equal(compiled(), 3)
    raw.prepare('SELECT 1')
    assert.equal(compiled(), 3)
    raw.prepare('SELECT 2')
    assert.equal(compiled(), 4)
  })

  test('the application’s configured SQLite connection keeps its statements', async ({
    assert,
  }) => {
    // config/database.ts defines the "sqlite" connection whatever the engine
    // selected (an in-memory database when it is PostgreSQL), so this holds
    // on every run
    const client = db.connection('sqlite').getWriteClient().client
    const raw = await client.acquireConnection()
    try {
      assert.strictEqual(raw.prepare('SELECT 1 AS one'), raw.prepare('SELECT 1 AS one'))
    } finally {
      await client.releaseConnection(raw)
    }
  })
})
