import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import Product from '#models/product'
import { dailySeries, summarizeMetrics } from '#services/insights/metrics'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { insertIssue, insertProduct, insertRepository } from '#tests/helpers/insights'
import { WebClient } from '#tests/helpers/web_client'

/**
 * Product Detail's issue KPIs (bug rate, time to restore) count the
 * product's issues: those of its repositories and those of its Jira
 * projects and components, each once; the organisation's figures stay
 * as they were.
 */
const WEEK = { from: '2026-03-02', to: '2026-03-08' }

async function scopedIssue(
  organizationId: number,
  repositoryId: number | null,
  projectKey: string,
  issue: { opened: string; type?: string; resolved?: string | null; components?: string[] }
) {
  const id = await insertIssue(organizationId, repositoryId, issue)
  await db
    .from('issues')
    .where('id', id)
    .update({ project_key: projectKey, components: JSON.stringify(issue.components ?? []) })
  return id
}

async function includeProject(organizationId: number, productId: number, projectKey: string) {
  await db.table('product_issue_scopes').insert({
    organization_id: organizationId,
    product_id: productId,
    project_key: projectKey,
    component: '',
    component_like: '',
  })
}

/** the product's key indicators as its CSV export gives them: key → this period's value */
async function productKpis(web: WebClient, productId: number) {
  const product = await Product.findOrFail(productId)
  const answer = await web.get(
    `/insights/products/${product.publicId}?range=custom&from=${WEEK.from}&to=${WEEK.to}&format=csv&table=kpis`
  )
  if (answer.status !== 200) throw new Error(`the export answered ${answer.status}`)
  const rows = answer.text.trim().split(/\r?\n/).slice(1)
  return new Map(
    rows
      .map((row) => row.split(','))
      .map((cells) => [cells[1], { now: cells[3], before: cells[4] }])
  )
}

async function signedIn() {
  const account = await createAccount({ role: 'viewer' })
  const web = new WebClient()
  await web.signIn(account.email, account.password, account.totpSecret!)
  return { organizationId: account.organization.id, web }
}

test.group('Insights | a product’s issue KPIs', (group) => {
  group.each.setup(resetDatabase())

  test('a product of a Jira project alone shows the bug rate and time to restore of its issues', async ({
    assert,
  }) => {
    const { organizationId, web } = await signedIn()
    const productId = await insertProduct(organizationId, 'Engine', [])
    await includeProject(organizationId, productId, 'ENG')
    await scopedIssue(organizationId, null, 'ENG', { opened: '2026-03-03 09:00', type: 'bug' })
    await scopedIssue(organizationId, null, 'ENG', { opened: '2026-03-04 09:00' })
    await scopedIssue(organizationId, null, 'ENG', {
      opened: '2026-03-05 10:00',
      type: 'incident',
      resolved: '2026-03-05 13:00',
    })
    // the week before: one bug of two issues, an incident restored in 5 h
    await scopedIssue(organizationId, null, 'ENG', { opened: '2026-02-24 09:00', type: 'bug' })
    await scopedIssue(organizationId, null, 'ENG', {
      opened: '2026-02-25 09:00',
      type: 'incident',
      resolved: '2026-02-25 14:00',
    })
    // another project's: the organisation's, not the product's
    await scopedIssue(organizationId, null, 'OPS', { opened: '2026-03-03 09:00', type: 'bug' })
    await scopedIssue(organizationId, null, 'OPS', {
      opened: '2026-03-06 08:00',
      type: 'incident',
      resolved: '2026-03-06 18:00',
    })
    await new RollUpMetrics().execute({ organizationId })

    const kpis = await productKpis(web, productId)
    assert.equal(kpis.get('bug_rate')?.now, '33.3', '1 bug of 3 issues')
    assert.equal(kpis.get('time_to_restore')?.now, '3')
    assert.equal(kpis.get('bug_rate')?.before, '50')
    assert.equal(kpis.get('time_to_restore')?.before, '5')
    // the cards' sparklines, day by day
    const series = await dailySeries({ organizationId, productId, ...WEEK })
    const day = (date: string) => series.find((point) => point.day === date)!.values
    assert.equal(day('2026-03-03').bugRate, 100)
    assert.equal(day('2026-03-04').bugRate, 0)
    assert.equal(day('2026-03-05').timeToRestoreHours, 3)
    assert.isNull(day('2026-03-06').timeToRestoreHours)
    // the organisation's figures are unchanged: every issue once
    const organisation = await summarizeMetrics({ organizationId, ...WEEK })
    assert.equal(organisation.issuesOpened, 5)
    assert.equal(organisation.bugRate, 40)
    assert.equal(organisation.timeToRestoreHours, 6.5)
  })

  test('an issue both of a product repository and of its project counts once', async ({
    assert,
  }) => {
    const { organizationId, web } = await signedIn()
    const api = await insertRepository(organizationId, 'api')
    const elsewhere = await insertRepository(organizationId, 'elsewhere')
    const productId = await insertProduct(organizationId, 'Engine', [api])
    await includeProject(organizationId, productId, 'ENG')
    // of the product's repository and project
    await scopedIssue(organizationId, api, 'ENG', { opened: '2026-03-03 09:00', type: 'bug' })
    // of its project, no repository
    await scopedIssue(organizationId, null, 'ENG', { opened: '2026-03-03 10:00' })
    // of its repository, another project
    await scopedIssue(organizationId, api, 'OPS', { opened: '2026-03-04 10:00' })
    // of its project, another product's repository: an incident restored in 2 h
    await scopedIssue(organizationId, elsewhere, 'ENG', {
      opened: '2026-03-05 10:00',
      type: 'incident',
      resolved: '2026-03-05 12:00',
    })
    await new RollUpMetrics().execute({ organizationId })

    const kpis = await productKpis(web, productId)
    assert.equal(kpis.get('bug_rate')?.now, '25', '1 bug of 4 issues, none twice')
    assert.equal(kpis.get('time_to_restore')?.now, '2')
  })

  test("another product's and another organisation's issues do not count", async ({ assert }) => {
    const { organizationId, web } = await signedIn()
    const other = await signedIn()
    const productId = await insertProduct(organizationId, 'Engine', [])
    await includeProject(organizationId, productId, 'ENG')
    const opsId = await insertProduct(organizationId, 'Operations', [])
    await includeProject(organizationId, opsId, 'OPS')
    await scopedIssue(organizationId, null, 'ENG', { opened: '2026-03-03 09:00' })
    await scopedIssue(organizationId, null, 'OPS', {
      opened: '2026-03-03 09:00',
      type: 'bug',
    })
    await scopedIssue(organizationId, null, 'OPS', {
      opened: '2026-03-04 09:00',
      type: 'incident',
      resolved: '2026-03-04 10:00',
    })
    // the same project key in another organisation
    await scopedIssue(other.organizationId, null, 'ENG', {
      opened: '2026-03-03 09:00',
      type: 'bug',
    })
    await scopedIssue(other.organizationId, null, 'ENG', {
      opened: '2026-03-04 09:00',
      type: 'incident',
      resolved: '2026-03-04 15:00',
    })
    await new RollUpMetrics().execute({ organizationId })
    await new RollUpMetrics().execute({ organizationId: other.organizationId })

    const kpis = await productKpis(web, productId)
    assert.equal(kpis.get('bug_rate')?.now, '0', 'its one task')
    assert.equal(kpis.get('time_to_restore')?.now, '')
    const ops = await productKpis(web, opsId)
    assert.equal(ops.get('bug_rate')?.now, '50')
    assert.equal(ops.get('time_to_restore')?.now, '1')
  })
  test("the issues count on the organisation's local day of their opening, as the rollup buckets them", async ({
    assert,
  }) => {
    const { organizationId, web } = await signedIn()
    // UTC+13 in March
    await db
      .from('organizations')
      .where('id', organizationId)
      .update({ time_zone: 'Pacific/Auckland' })
    const productId = await insertProduct(organizationId, 'Engine', [])
    await includeProject(organizationId, productId, 'ENG')
    // Sunday 1 March 12:00 UTC is Monday 2 March in Auckland: in the week
    await scopedIssue(organizationId, null, 'ENG', { opened: '2026-03-01 12:00', type: 'bug' })
    await scopedIssue(organizationId, null, 'ENG', { opened: '2026-03-04 09:00' })
    // Sunday 8 March 12:00 UTC is Monday 9 March there: the week after
    await scopedIssue(organizationId, null, 'ENG', { opened: '2026-03-08 12:00', type: 'bug' })
    await new RollUpMetrics().execute({ organizationId })

    const kpis = await productKpis(web, productId)
    assert.equal(kpis.get('bug_rate')?.now, '50', '1 bug of 2 issues')
    const series = await dailySeries({ organizationId, productId, ...WEEK })
    assert.equal(series.find((point) => point.day === '2026-03-02')!.values.bugRate, 100)
  })
})
