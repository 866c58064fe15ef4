import { test } from '@japa/runner'
import { parseDelimited, recordsOf } from '#services/insights/delimited'

test.group('Insights CSV/TSV reading', () => {
  test('quoted fields keep commas, doubled quotes and line breaks; rows remember their line', ({
    assert,
  }) => {
    const parsed = parseDelimited('standards.csv', 'a,b\n1,"x, ""y"""\n\n"two\nlines",3\r\n4,5')
    assert.deepEqual(parsed.header, ['a', 'b'])
    assert.deepEqual(parsed.rows, [
      { line: 2, cells: ['1', 'x, "y"'] },
      { line: 4, cells: ['two\nlines', '3'] },
      { line: 6, cells: ['4', '5'] },
    ])
  })

  test('a tab-separated file is read by its extension or its header', ({ assert }) => {
    assert.deepEqual(parseDelimited('taxonomy.tsv', 'a\tb\n1,2\t3').rows[0].cells, ['1,2', '3'])
    assert.deepEqual(parseDelimited('taxonomy.txt', 'a\tb\n1\t3').rows[0].cells, ['1', '3'])
  })

  test('a row with the wrong number of fields is named by line and column', ({ assert }) => {
    const parsed = parseDelimited('standards.csv', 'a,b,c\n1,2,3\n4,5')
    assert.throws(
      () => recordsOf('standards.csv', parsed, ['a', 'b', 'c']),
      'standards.csv, line 3, column 3: expected 3 fields, found 2'
    )
  })

  test('an unclosed quote and an unknown column are errors', ({ assert }) => {
    assert.throws(
      () => parseDelimited('x.csv', 'a\n"open'),
      'x.csv, line 2, column 1: a quoted field is never closed'
    )
    assert.throws(
      () => recordsOf('x.csv', parseDelimited('x.csv', 'a,typo\n1,2'), ['a']),
      'x.csv, line 1, column 2 (typo): unknown column; expected a'
    )
  })
})
