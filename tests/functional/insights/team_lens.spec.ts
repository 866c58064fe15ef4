import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { createOrganization } from '#tests/helpers/factories'
import { WebClient } from '#tests/helpers/web_client'
import { FIXTURE_WEEK, buildSmallFixture, insertPullRequest } from '#tests/helpers/insights'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import { insertedId } from '#services/sql'
import { publicIds } from '#services/public_id'

/**
 * The team lens of the Executive Summary and Product Detail (#25): the
 * KPIs of a team's people, read from the raw tables, each equal to the
 * team-filtered list its card opens. The small fixture's alice and bob
 * merged two pull requests in alpha (cycles 50 h and 34 h, first
 * reviews after 4 h and 24 h, 120 and 40 lines, lead times 50 h and
 * 34 h per pull request: no commit history); dave one in beta.
 */
const WEEK = `range=custom&from=${FIXTURE_WEEK.from}&to=${FIXTURE_WEEK.to}`
const teamIds = publicIds('team')

async function insertTeam(organizationId: number, name: string, logins: string[]) {
  const now = new Date()
  const teamId = insertedId(
    await db
      .table('teams')
      .insert({ organization_id: organizationId, name, created_at: now, updated_at: now })
      .returning('id')
  )!
  for (const login of logins) {
    const personId = insertedId(
      await db
        .table('people')
        .insert({
          organization_id: organizationId,
          display_name: login,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
    )!
    await db.table('contributors').insert({
      organization_id: organizationId,
      provider: 'github',
      external_id: `${login}-${organizationId}`,
      login,
      person_id: personId,
      created_at: now,
      updated_at: now,
    })
    await db
      .table('team_members')
      .insert({ organization_id: organizationId, team_id: teamId, person_id: personId })
  }
  return teamIds.encode(teamId)
}

async function fixture() {
  const account = await createAccount({ role: 'member' })
  const organizationId = account.organization.id
  const repositories = await buildSmallFixture(organizationId)
  await new RollUpMetrics().execute({ organizationId })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  return { organizationId, repositories, web }
}

function card(html: string, key: string) {
  const article = html.split(`data-kpi="${key}"`)[1]?.split('</article>')[0]
  if (!article) throw new Error(`no ${key} card`)
  return {
    value: article.match(/<p class="kpi-value">([^<]*)<\/p>/)![1].trim(),
    drill: article.match(/data-testid="kpi-drill"/)
      ? article.match(/<a href="([^"]+)" data-testid="kpi-drill"/)![1].replaceAll('&amp;', '&')
      : null,
  }
}

function total(html: string) {
  return Number(html.match(/data-testid="drill-total"><strong>(\d+)<\/strong>/)![1])
}

function listSummary(html: string) {
  return html.match(/data-testid="drill-summary">([^<]+)</)![1].trim()
}

test.group('Insights | the team lens', (group) => {
  group.each.setup(resetDatabase())

  test('the Executive Summary for a team shows its people’s figures, each equal to the list it opens', async ({
    assert,
  }) => {
    const { organizationId, web } = await fixture()
    const team = await insertTeam(organizationId, 'Core crew', ['alice', 'bob'])
    const page = await web.get(`/insights?${WEEK}&team=${team}`)
    assert.equal(page.status, 200)
    assert.include(page.text, 'team Core crew')
    assert.include(page.text, `<option value="${team}" selected>Core crew</option>`)
    // by hand: 2 merged (alice, bob; not dave), median cycle (50 + 34) / 2, reviews 4 h and 24 h
    assert.equal(card(page.text, 'throughput').value, '2')
    assert.equal(card(page.text, 'cycle_time').value, '42 h')
    assert.equal(card(page.text, 'first_review').value, '14 h')
    assert.equal(card(page.text, 'pr_size').value, '80 lines')
    assert.equal(card(page.text, 'lead_time').value, '42 h')
    // only the people's KPIs: deployments and vulnerabilities are the repositories'
    assert.notInclude(page.text, 'data-kpi="deploy_frequency"')

    const merged = await web.get(card(page.text, 'throughput').drill!)
    assert.include(card(page.text, 'throughput').drill!, `team=${team}`)
    assert.equal(total(merged.text), 2)
    const reviews = await web.get(card(page.text, 'first_review').drill!)
    assert.equal(listSummary(reviews.text), `median wait ${card(page.text, 'first_review').value}`)
    const changes = await web.get(card(page.text, 'lead_time').drill!)
    assert.equal(total(changes.text), 2)
    assert.equal(
      listSummary(changes.text),
      `median lead time ${card(page.text, 'lead_time').value}`
    )

    // the CSV of the cards carries the raw numbers
    const csv = await web.get(`/insights?${WEEK}&team=${team}&format=csv&table=kpis`)
    assert.equal(csv.status, 200)
    const rows = Object.fromEntries(
      csv.text
        .trim()
        .split('\r\n')
        .slice(1)
        .map((line) => line.split(','))
        .map((cells) => [cells[1], Number(cells[3])])
    )
    assert.deepEqual(rows, {
      throughput: 2,
      cycle_time: 42,
      first_review: 14,
      pr_size: 80,
      lead_time: 42,
    })
  })

  test('a pull request joins the team’s figures when its author joins the team', async ({
    assert,
  }) => {
    const { organizationId, web } = await fixture()
    const team = await insertTeam(organizationId, 'Everyone', ['alice', 'bob', 'dave'])
    const page = await web.get(`/insights?${WEEK}&team=${team}`)
    assert.equal(card(page.text, 'throughput').value, '3')
    const list = await web.get(card(page.text, 'throughput').drill!)
    assert.equal(total(list.text), 3)
  })

  test('Product Detail for a team narrows to the product’s repositories and the team’s people', async ({
    assert,
  }) => {
    const { organizationId, repositories, web } = await fixture()
    const team = await insertTeam(organizationId, 'Everyone', ['alice', 'bob', 'dave'])
    // another person's pull request in the product does not count for the team
    await insertPullRequest(organizationId, repositories.alpha, {
      opened: '2026-03-02 09:00',
      merged: '2026-03-03 09:00',
      author: 'erin',
    })
    await new RollUpMetrics().execute({ organizationId })
    const product = publicIds('product').encode(repositories.core)
    const page = await web.get(`/insights/products/${product}?${WEEK}&team=${team}`)
    assert.equal(page.status, 200)
    assert.include(page.text, 'team Everyone')
    // dave's pull request is in beta, outside Core; erin is not in the team
    assert.equal(card(page.text, 'throughput').value, '2')
    const drill = card(page.text, 'throughput').drill!
    assert.include(drill, `product=${product}`)
    assert.include(drill, `team=${team}`)
    assert.equal(total((await web.get(drill)).text), 2)
    // the key indicators table (and its export) is the team's too
    const kpis = page.text.split('Key indicators')[1]
    assert.notInclude(kpis, 'Deploys / week')
    assert.include(page.text, 'Core: the whole product')
    const whole = await web.get(`/insights/products/${product}?${WEEK}`)
    assert.equal(card(whole.text, 'throughput').value, '3')
  })

  test('under htmx the period swaps the team’s body alone, and the presets keep the team', async ({
    assert,
  }) => {
    const { organizationId, web } = await fixture()
    const team = await insertTeam(organizationId, 'Core crew', ['alice', 'bob'])
    const partial = await web.get(`/insights?${WEEK}&team=${team}`, {
      'HX-Request': 'true',
      'HX-Target': 'insights-body',
    })
    assert.equal(partial.status, 200)
    assert.notInclude(partial.text, '<html')
    assert.include(partial.text, 'data-testid="team-lens"')
    assert.include(partial.text, `href="/insights?range=30&amp;team=${team}"`)
    assert.include(partial.text, `<input type="hidden" name="team" value="${team}" />`)
  })

  test('another organisation’s team is a 404, a blank team the whole organisation', async ({
    assert,
  }) => {
    const { web } = await fixture()
    const other = await createOrganization()
    const theirs = await insertTeam(other.id, 'Theirs', ['alice'])
    assert.equal((await web.get(`/insights?${WEEK}&team=${theirs}`)).status, 404)
    assert.equal((await web.get(`/insights?${WEEK}&team=nonsense`)).status, 404)
    const blank = await web.get(`/insights?${WEEK}&team=`)
    assert.equal(blank.status, 200)
    assert.include(blank.text, 'data-kpi="deploy_frequency"')
  })
})
