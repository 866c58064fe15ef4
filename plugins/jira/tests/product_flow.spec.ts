import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import Product from '#models/product'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { insertProduct } from '#tests/helpers/insights'
import { WebClient } from '#tests/helpers/web_client'
import type { FakeJira } from './fake_jira/server.js'
import { seedSprintSite } from './product_seed.js'
import { connectSite, startJira } from './testbed.js'

/**
 * Product Detail's issue flow (issue cycle time, lead time, time in each
 * status) and its sprints (planned against finished), from issues,
 * histories and sprints synced from the fake Jira through jira.js.
 */
const WEEK = 'range=custom&from=2026-11-02&to=2026-11-08'

async function csv(web: WebClient, productPublicId: string, table: string) {
  const answer = await web.get(
    `/insights/products/${productPublicId}?${WEEK}&format=csv&table=${table}`
  )
  return answer.text.trim().split(/\r?\n/)
}

test.group('Jira | product issue flow and sprints', (group) => {
  let jira: FakeJira
  group.setup(async () => {
    jira = await startJira()
    return () => jira.close()
  })
  group.each.setup(resetDatabase())
  group.each.setup(() => jira.reset())

  test('Product Detail shows issue cycle time, time in status and sprints planned against finished', async ({
    assert,
  }) => {
    seedSprintSite(jira)
    const account = await createAccount({ role: 'viewer' })
    const organizationId = account.organization.id
    const [run] = await new RunSync().execute({
      connection: await connectSite(account.organization, jira, 'c1'),
      trigger: 'cli',
    })
    assert.equal(run.status, 'succeeded', run.error ?? '')
    const productId = await insertProduct(organizationId, 'Engine', [])
    await db.table('product_issue_scopes').insert({
      organization_id: organizationId,
      product_id: productId,
      project_key: 'ENG',
      component: '',
      component_like: '',
    })
    const product = await Product.findOrFail(productId)
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)

    const page = await web.get(`/insights/products/${product.publicId}?${WEEK}`)
    assert.equal(page.status, 200)
    for (const table of ['issue_flow', 'time_in_status', 'sprints']) {
      assert.include(page.text, `data-export="${table}"`)
    }
    assert.include(page.text, 'Sprints: planned against finished')

    // ENG-2 is in progress; resolved in the week: ENG-1 (cycle 24 h, lead 26 h) and ENG-4 (cycle 4 h, lead 5 h)
    assert.deepEqual(await csv(web, product.publicId, 'issue_flow'), [
      'measure,value',
      'work_in_progress,1',
      'issues_resolved,2',
      'issue_cycle_time_median_hours,14',
      'issues_with_cycle_time,2',
      'issue_lead_time_median_hours,15.5',
    ])
    assert.deepEqual(await csv(web, product.publicId, 'time_in_status'), [
      'status,issues,median_hours,total_hours',
      'In Progress,2,14,28',
      'To Do,2,1.5,3',
    ])
    // newest first; ENG-2 counts in sprint 8, where it was carried; sprint 3 ran before the week
    assert.deepEqual(await csv(web, product.publicId, 'sprints'), [
      'sprint,board,state,start,end,completed,issues_planned,issues_finished,finished_percent,points_planned,points_finished',
      'ENG Sprint 8,ENG board,active,2026-11-06,2026-11-20,,2,1,50,6,1',
      'ENG Sprint 7,ENG board,closed,2026-10-26,2026-11-06,2026-11-06,2,1,50,5,3',
    ])
  })

  test("another organisation's issues and sprints of the same names count nowhere else", async ({
    assert,
  }) => {
    seedSprintSite(jira)
    const mine = await createAccount({ role: 'viewer' })
    const theirs = await createAccount({ role: 'viewer' })
    await new RunSync().execute({
      connection: await connectSite(theirs.organization, jira, 'c1'),
      trigger: 'cli',
    })
    const productId = await insertProduct(mine.organization.id, 'Engine', [])
    await db.table('product_issue_scopes').insert({
      organization_id: mine.organization.id,
      product_id: productId,
      project_key: 'ENG',
      component: '',
      component_like: '',
    })
    const product = await Product.findOrFail(productId)
    const web = new WebClient()
    await web.signIn(mine.email, mine.password, mine.totpSecret!)
    const page = await web.get(`/insights/products/${product.publicId}?${WEEK}`)
    const flow = await csv(web, product.publicId, 'issue_flow')
    assert.include(flow, 'work_in_progress,0')
    assert.include(flow, 'issues_resolved,0')
    assert.include(page.text, 'No sprint holding this product’s issues ran in this period.')
    assert.lengthOf(await csv(web, product.publicId, 'sprints'), 1, 'the header alone')
  })
})
