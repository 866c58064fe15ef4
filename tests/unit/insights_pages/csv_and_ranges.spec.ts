import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { csvField, csvFileName, toCsv } from '#services/insights_pages/csv'
import { rangeQuery, resolveFilters } from '#services/insights_pages/date_range'

const TODAY = DateTime.fromISO('2026-12-02T15:30:00', { zone: 'utc' })

test.group('Insights pages | CSV', () => {
  test('fields with a comma, quote or line break are quoted, quotes doubled', ({ assert }) => {
    assert.equal(csvField('plain'), 'plain')
    assert.equal(csvField('a,b'), '"a,b"')
    assert.equal(csvField('say "hi"'), '"say ""hi"""')
    assert.equal(csvField('two\nlines'), '"two\nlines"')
    assert.equal(csvField('carriage\rreturn'), '"carriage\rreturn"')
    assert.equal(csvField(''), '')
    assert.equal(csvField(null), '')
    assert.equal(csvField(undefined), '')
  })

  test('text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers', ({
    assert,
  }) => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) {
      assert.isTrue(csvField(`${start}SUM(A1)`).replace(/^"/, '').startsWith(`'${start}`), start)
    }
    assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`)
    assert.equal(csvField('@SUM(A1)'), `'@SUM(A1)`)
    assert.equal(csvField('-2+3'), `'-2+3`)
    assert.equal(csvField('\tcmd'), `'\tcmd`)
    assert.equal(csvField('\rcmd'), `"'\rcmd"`)
    // Only the first character counts: a formula sign later on is text.
    assert.equal(csvField('a=b'), 'a=b')
    assert.equal(csvField('1-2'), '1-2')
    assert.equal(csvField(Number.POSITIVE_INFINITY), '')
    assert.equal(csvField(-12.5), '-12.5')
    assert.equal(csvField(0), '0')
    assert.equal(csvField(Number.NaN), '')
  })

  test('a document is a header row then one CRLF-terminated line per row', ({ assert }) => {
    assert.equal(
      toCsv(
        ['Name', 'Hours'],
        [
          ['Core, "Prime"', 3.5],
          ['Search', null],
        ]
      ),
      'Name,Hours\r\n"Core, ""Prime""",3.5\r\nSearch,\r\n'
    )
  })

  test('download names are safe in a header', ({ assert }) => {
    assert.equal(
      csvFileName('Checkout "Prime"', 'repositories', '2026-03-02'),
      'checkout-prime-repositories-2026-03-02.csv'
    )
    assert.equal(csvFileName('«»'), 'export.csv')
    assert.equal(csvFileName('--Core--', ' Search '), 'core-search.csv')
    assert.equal(csvFileName(''), 'export.csv')
  })
})

test.group('Insights pages | date ranges', () => {
  test('the default is the last 90 days up to today (UTC), with the 90 before to compare', async ({
    assert,
  }) => {
    const { range, error, format } = await resolveFilters({}, TODAY)
    assert.isNull(error)
    assert.equal(format, 'html')
    assert.deepInclude(range, { preset: '90', from: '2026-09-04', to: '2026-12-02', days: 90 })
    assert.deepEqual(range.previous, { from: '2026-06-06', to: '2026-09-03' })
    assert.equal(range.label, 'Last 90 days')
  })

  test('presets of 30 and 180 days', async ({ assert }) => {
    assert.deepInclude((await resolveFilters({ range: '30' }, TODAY)).range, {
      from: '2026-11-03',
      to: '2026-12-02',
      days: 30,
    })
    assert.deepInclude((await resolveFilters({ range: '180' }, TODAY)).range, {
      from: '2026-06-06',
      days: 180,
    })
  })

  test('a custom range is inclusive and compares with the equally long period before', async ({
    assert,
  }) => {
    const { range, error } = await resolveFilters(
      { range: 'custom', from: '2026-03-02', to: '2026-03-08' },
      TODAY
    )
    assert.isNull(error)
    assert.deepInclude(range, { preset: 'custom', from: '2026-03-02', to: '2026-03-08', days: 7 })
    assert.deepEqual(range.previous, { from: '2026-02-23', to: '2026-03-01' })
    assert.equal(range.label, '2 Mar 2026 – 8 Mar 2026')
    assert.equal(
      rangeQuery(range, { format: 'csv' }),
      'range=custom&from=2026-03-02&to=2026-03-08&format=csv'
    )
  })

  test('days without a preset mean a custom range', async ({ assert }) => {
    const { range } = await resolveFilters({ from: '2026-01-01', to: '2026-01-31' }, TODAY)
    assert.equal(range.preset, 'custom')
    assert.equal(range.days, 31)
  })

  test('an unusable range falls back to the default with a reason', async ({ assert }) => {
    const cases: [Record<string, string>, string][] = [
      [
        { range: 'custom', from: '2026-03-08', to: '2026-03-02' },
        'The start day must come before the end day.',
      ],
      [
        { range: 'custom', from: '2026-03-08' },
        'A custom period needs both a start and an end day.',
      ],
      [
        { range: 'custom', from: '2026-12-01', to: '2026-12-03' },
        'The end day cannot be in the future.',
      ],
      [
        { range: 'custom', from: '2023-01-01', to: '2026-01-01' },
        'A custom period can be at most two years long.',
      ],
      [
        { range: 'custom', from: '2026-02-30', to: '2026-03-01' },
        'A custom period needs both a start and an end day.',
      ],
      [{ range: '7' }, 'Choose a period from the list, or two days written as YYYY-MM-DD.'],
      [{ from: 'yesterday' }, 'Choose a period from the list, or two days written as YYYY-MM-DD.'],
    ]
    for (const [query, message] of cases) {
      const { range, error } = await resolveFilters(query, TODAY)
      assert.equal(error, message, JSON.stringify(query))
      assert.equal(range.preset, '90')
    }
  })
})
