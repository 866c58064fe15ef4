import { test } from '@japa/runner'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import { summarizeMetrics } from '#services/insights/metrics'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { createOrganization } from '#tests/helpers/factories'
import { insertDeployment, insertPullRequest, insertRepository } from '#tests/helpers/insights'
import { WebClient } from '#tests/helpers/web_client'

/**
 * Each organisation maps environment names to production (#28 item 5):
 * production, prod, prd and live by default, exact names in any case,
 * editable on the organisation settings page.
 */
const DAY = { from: '2026-03-02', to: '2026-03-02' }

async function deployIn(organizationId: number, repositoryId: number, environments: string[]) {
  for (const [index, environment] of environments.entries()) {
    await insertDeployment(organizationId, repositoryId, {
      started: `2026-03-02 1${index}:00`,
      environment,
    })
  }
  await new RollUpMetrics().execute({ organizationId })
  return summarizeMetrics({ organizationId, ...DAY })
}

test.group('Insights / production mapping', (group) => {
  group.each.setup(resetDatabase)

  test('by default "Production" is production and "product-preview" is not', async ({ assert }) => {
    const organization = await createOrganization()
    const repositoryId = await insertRepository(organization.id, 'api')
    const summary = await deployIn(organization.id, repositoryId, [
      'Production',
      'product-preview',
      ' LIVE ',
      'staging',
    ])
    // Production and " LIVE " (trimmed): 2 of 4
    assert.equal(summary.deployments, 2)
  })

  test('a deployment without an environment counts, whatever the mapping', async ({ assert }) => {
    const organization = await createOrganization()
    const repositoryId = await insertRepository(organization.id, 'api')
    const summary = await deployIn(organization.id, repositoryId, ['', 'preview'])
    assert.equal(summary.deployments, 1)
  })

  test('an owner edits the mapping on the settings page and the metrics follow it', async ({
    assert,
  }) => {
    const owner = await createAccount({ role: 'owner' })
    const organizationId = owner.organization.id
    const repositoryId = await insertRepository(organizationId, 'api')
    // merged 10:00; deployed to "Production" at 11:00 and to "live-eu" at 13:00
    await insertPullRequest(organizationId, repositoryId, {
      opened: '2026-03-02 08:00',
      merged: '2026-03-02 10:00',
    })
    await insertDeployment(organizationId, repositoryId, {
      started: '2026-03-02 11:00',
      environment: 'Production',
    })
    await insertDeployment(organizationId, repositoryId, {
      started: '2026-03-02 13:00',
      environment: 'live-eu',
    })
    await new RollUpMetrics().execute({ organizationId })
    const before = await summarizeMetrics({ organizationId, ...DAY })
    assert.equal(before.deployments, 1)
    // opened 08:00 → deployed 11:00
    assert.equal(before.leadTimeHours, 3)

    const web = new WebClient()
    await web.signIn(owner.email, owner.password, owner.totpSecret!)
    const page = await web.get('/settings/organization')
    assert.include(page.text, 'value="production, prod, prd, live"')
    const saved = await web.post('/settings/organization', {
      name: owner.organization.name,
      mfaRequired: 'required',
      productionEnvironments: 'Live-EU, live-us',
    })
    assert.equal(saved.location, '/settings/organization')
    await owner.organization.refresh()
    assert.equal(owner.organization.productionEnvironments, 'live-eu,live-us')

    const after = await summarizeMetrics({ organizationId, ...DAY })
    // only live-eu counts now: opened 08:00 → deployed 13:00
    assert.equal(after.deployments, 1)
    assert.equal(after.leadTimeHours, 5)
    assert.include((await web.get('/settings/organization')).text, 'value="live-eu, live-us"')
  })

  test('a mapping that is not a list of names is refused and changes nothing', async ({
    assert,
  }) => {
    const owner = await createAccount({ role: 'owner' })
    const web = new WebClient()
    await web.signIn(owner.email, owner.password, owner.totpSecret!)
    await web.get('/settings/organization')
    const refused = await web.post('/settings/organization', {
      name: owner.organization.name,
      mfaRequired: 'required',
      productionEnvironments: "prod'); DROP TABLE deployments; --",
    })
    assert.equal(refused.status, 302)
    assert.include(
      (await web.get('/settings/organization')).text,
      'List one to 20 environment names'
    )
    const empty = await web.post('/settings/organization', {
      name: owner.organization.name,
      mfaRequired: 'required',
      productionEnvironments: ' , ',
    })
    assert.equal(empty.status, 302)
    await owner.organization.refresh()
    assert.equal(owner.organization.productionEnvironments, 'production,prod,prd,live')
  })
})
