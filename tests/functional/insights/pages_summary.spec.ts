import { test } from '@japa/runner'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import { buildSmallFixture, insertProduct, insertRepository } from '#tests/helpers/insights'
import RollUpMetrics from '#actions/insights/roll_up_metrics'

/**
 * The week of the small fixture (tests/helpers/insights.ts), as a custom range.
 */
const WEEK = '/insights?range=custom&from=2026-03-02&to=2026-03-08'

async function signedInWithFixture(role: 'member' | 'viewer' | 'admin' = 'member') {
  const account = await createAccount({ role })
  const fixture = await buildSmallFixture(account.organization.id)
  await new RollUpMetrics().execute({ organizationId: account.organization.id })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  return { account, fixture, web }
}

/**
 * A minimal RFC 4180 reader: enough to check what a spreadsheet would see.
 */
function parseCsv(text: string) {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let index = 0; index < text.length; index++) {
    const char = text[index]
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"'
        index++
      } else if (char === '"') quoted = false
      else field += char
    } else if (char === '"') quoted = true
    else if (char === ',') {
      row.push(field)
      field = ''
    } else if (char === '\r' && text[index + 1] === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      index++
    } else field += char
  }
  return rows
}

test.group('Insights pages | Executive Summary', (group) => {
  group.each.setup(resetDatabase())

  test('shows KPI cards with trends, charts as accessible SVG, the score and risks in words', async ({
    assert,
  }) => {
    const { web } = await signedInWithFixture()
    const page = await web.get(WEEK)
    assert.equal(page.status, 200)
    assert.include(page.text, '<h1>Executive Summary</h1>')
    assert.include(page.text, 'data-kpi="cycle_time"')
    assert.include(page.text, 'data-kpi="change_failure_rate"')
    // 3 merged pull requests in 7 days
    assert.match(page.text, /data-kpi="throughput">[\s\S]*?<p class="kpi-value">3<\/p>/)
    assert.isAtLeast([...page.text.matchAll(/<svg [^>]*role="(?:img|group)"/g)].length, 10)
    assert.include(page.text, '<details class="chart-details">')
    // the open critical vulnerability, said plainly
    assert.include(page.text, '1 critical vulnerability open')
    assert.include(page.text, 'Organisation score')
    assert.notMatch(page.text, /style=/)
  })

  test('an htmx request aimed at the body gets the body alone; boosted navigation the page', async ({
    assert,
  }) => {
    const { web } = await signedInWithFixture()
    const partial = await web.get(WEEK, { 'HX-Request': 'true', 'HX-Target': 'insights-body' })
    assert.equal(partial.status, 200)
    assert.include(partial.headers.get('vary') ?? '', 'HX-Request')
    assert.match(partial.text.trim(), /^<div id="insights-body"/)
    assert.notInclude(partial.text, '<html')
    assert.include(partial.text, 'data-range="2026-03-02/2026-03-08"')

    const restore = await web.get(WEEK, {
      'HX-Request': 'true',
      'HX-Target': 'insights-body',
      'HX-History-Restore-Request': 'true',
    })
    assert.include(restore.text, '<html')
    const boosted = await web.get(WEEK, { 'HX-Request': 'true', 'HX-Boosted': 'true' })
    assert.include(boosted.text, '<html')
  })

  test('presets and custom ranges set the period; a bad range is a 422 with a message', async ({
    assert,
  }) => {
    const { web } = await signedInWithFixture()
    const preset = await web.get('/insights?range=30')
    assert.equal(preset.status, 200)
    assert.include(preset.text, 'Last 30 days')
    assert.match(
      preset.text,
      /<a href="\/insights\?range=30" class="segmented-option is-active"\s+aria-current=true/
    )

    const reversed = await web.get('/insights?range=custom&from=2026-03-08&to=2026-03-02')
    assert.equal(reversed.status, 422)
    assert.include(reversed.text, 'The start day must come before the end day.')
    assert.include(reversed.text, 'Last 90 days')

    const garbage = await web.get('/insights?range=7&from=yesterday')
    assert.equal(garbage.status, 422)
    assert.include(garbage.text, 'Choose a period from the list')
  })

  test('the key indicators export plain numbers with their unit, never "+20%"', async ({
    assert,
  }) => {
    const { web } = await signedInWithFixture()
    const response = await web.get(`${WEEK}&format=csv&table=kpis`)
    assert.equal(response.status, 200)
    const rows = parseCsv(response.text)
    assert.deepEqual(rows[0], [
      'indicator',
      'key',
      'unit',
      'this_period',
      'previous_period',
      'change_ratio',
    ])
    const cycleTime = rows.find((row) => row[1] === 'cycle_time')!
    assert.equal(cycleTime[2], 'hours')
    for (const row of rows.slice(1)) {
      for (const cell of row.slice(3)) {
        assert.match(cell, /^(-?\d+(\.\d+)?)?$/, `${row[1]}: ${cell}`)
      }
    }
    assert.notInclude(response.text, "'+")
  })

  test('a table downloads as CSV with a header row, quoting and formula protection', async ({
    assert,
  }) => {
    const { account, fixture, web } = await signedInWithFixture()
    await insertProduct(account.organization.id, 'Checkout, "Prime"', [fixture.alpha])
    await insertProduct(account.organization.id, '=HYPERLINK("http://evil")', [fixture.beta])
    const response = await web.get(`${WEEK}&format=csv&table=products`)
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/)
    assert.match(
      response.headers.get('content-disposition') ?? '',
      /^attachment; filename="executive-summary-products-2026-03-02-2026-03-08\.csv"$/
    )
    assert.isTrue(response.text.endsWith('\r\n'))
    const rows = parseCsv(response.text)
    assert.deepEqual(rows[0], [
      'product',
      'repositories',
      'merged_prs',
      'cycle_time_median_hours',
      'cycle_time_p75_hours',
      'cycle_time_p90_hours',
      'cycle_time_mean_hours',
      'cycle_time_to_merge_median_hours',
      'deploys_per_week',
      'change_failure_rate_percent',
      'ai_share_percent',
    ])
    assert.lengthOf(rows, 4)
    assert.isTrue(rows.every((row) => row.length === rows[0].length))
    const names = rows.slice(1).map((row) => row[0])
    assert.includeMembers(names, ['Checkout, "Prime"', `'=HYPERLINK("http://evil")`, 'Core'])
    assert.include(response.text, '"Checkout, ""Prime"""')
    // numbers stay numbers: Core holds alpha, whose two merged PRs are in the week
    // and their cycle times, 50 h and 34 h: median 42, p75 46, p90 48.4, mean 42
    assert.deepEqual(rows.find((row) => row[0] === 'Core')!.slice(1, 8), [
      '1',
      '2',
      '42',
      '46',
      '48.4',
      '42',
      '',
    ])
  })

  test('every table on the page has an export link, and an unknown table is a 404', async ({
    assert,
  }) => {
    const { web } = await signedInWithFixture()
    const page = await web.get(WEEK)
    const exports = [...page.text.matchAll(/data-export="([a-z_-]+)"/g)].map((match) => match[1])
    assert.deepEqual(exports, ['kpis', 'products', 'vulnerabilities'])
    for (const name of exports) {
      const csv = await web.get(`${WEEK}&format=csv&table=${name}`)
      assert.equal(csv.status, 200, name)
      assert.isAbove(parseCsv(csv.text).length, 1, name)
    }
    assert.equal((await web.get(`${WEEK}&format=csv&table=secrets`)).status, 404)
  })

  test('an organisation without data gets a guide to connect an integration or load the demo', async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'admin' })
    await insertRepository(account.organization.id, 'idle')
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    const page = await web.get('/insights')
    assert.equal(page.status, 200)
    assert.include(page.text, 'data-testid="insights-empty"')
    assert.include(page.text, 'href="/settings/connections"')
    assert.include(page.text, 'node ace populate:dev-data')
    const home = await web.get('/')
    assert.include(home.text, 'data-testid="insights-empty"')
  })

  test('the overview summarises the Executive Summary', async ({ assert }) => {
    const { web } = await signedInWithFixture()
    // the fixture is months old; the overview shows the last 90 days, so
    // it leans on the vulnerabilities still open today
    const home = await web.get('/')
    assert.equal(home.status, 200)
    assert.include(home.text, 'Organisation score')
    assert.include(home.text, 'critical vulnerability open')
    assert.include(home.text, 'href="/insights"')
  })

  test('signed out, the dashboards redirect to the sign-in page', async ({ assert }) => {
    const response = await new WebClient().get('/insights')
    assert.equal(response.status, 302)
    assert.equal(response.location, '/sign-in')
  })
})
