import { test } from '@japa/runner'
import { commandErrorMessage, DATABASE_NOT_SET_UP } from '#services/command_errors'

test.group('Commands | errors people can act on', () => {
  test('a missing table (SQLite or PostgreSQL) says the database is not set up', ({ assert }) => {
    assert.equal(
      commandErrorMessage(new Error('select * from `connections` - no such table: connections')),
      DATABASE_NOT_SET_UP
    )
    const postgres = Object.assign(new Error('relation "connections" does not exist'), {
      code: '42P01',
    })
    assert.equal(commandErrorMessage(postgres), DATABASE_NOT_SET_UP)
  })

  test('any other error keeps its own message', ({ assert }) => {
    assert.equal(commandErrorMessage(new Error('disk full')), 'disk full')
  })
})
