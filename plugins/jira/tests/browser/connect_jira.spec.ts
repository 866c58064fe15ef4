import { test } from '@japa/runner'
import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright'
import db from '@adonisjs/lucid/services/db'
import Connection from '#models/connection'
import Product from '#models/product'
import RunSync from '#actions/sync/run_sync'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount, type TestAccount } from '#tests/helpers/accounts'
import { insertProduct } from '#tests/helpers/insights'
import { processQueueUntil } from '#tests/helpers/queue'
import { FencedDomainStore } from '#services/domain/domain_store'
import { totp } from '#services/totp'
import type { FakeJira } from '../fake_jira/server.js'
import { addIssue } from '../fake_jira/seed.js'
import { connectSite, startJira } from '../testbed.js'

/**
 * Jira in Chromium without JavaScript, on a phone (390 px) and a desktop
 * (1440 px): connecting through Atlassian's OAuth (the fake) and picking
 * 2 of 3 sites, and Product Detail's issues linked to pull requests.
 * Screenshots land in tmp/screenshots for a person to look at.
 */
const SHOTS = 'tmp/screenshots'
const BASE = `http://${process.env.HOST}:${process.env.PORT}`

async function signedInPage(
  browser: Browser,
  width: number,
  account: TestAccount,
  colorScheme: 'light' | 'dark' = 'light'
) {
  const context = await browser.newContext({
    baseURL: BASE,
    javaScriptEnabled: false,
    viewport: { width, height: 900 },
    colorScheme,
  })
  const page = await context.newPage()
  await page.goto('/sign-in')
  await page.getByLabel('Email').fill(account.email)
  await page.getByLabel('Password').fill(account.password)
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.waitForURL('**/sign-in/mfa')
  await page.getByLabel('Code', { exact: true }).fill(totp.codeAt(account.totpSecret!, Date.now()))
  await page.getByRole('button', { name: 'Verify', exact: true }).click()
  await page.waitForURL((url) => url.pathname === '/')
  return page
}

function overflow(page: Page) {
  return page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')
}

test.group('Browser | Jira', (group) => {
  let jira: FakeJira
  group.setup(async () => {
    mkdirSync(SHOTS, { recursive: true })
    jira = await startJira()
    return () => jira.close()
  })
  group.each.setup(resetDatabase)
  group.each.setup(() => jira.reset())

  test('connect through Atlassian, choose 2 of 3 sites: two connections, each syncing only its site', async ({
    browser,
    assert,
  }) => {
    for (const [id, name, project] of [
      ['c1', 'Alpha Rockets', 'ALPHA'],
      ['c2', 'Beta Labs', 'BETA'],
      ['c3', 'Gamma Works', 'GAMMA'],
    ]) {
      jira.site(id).name = name
      addIssue(jira.site(id), { projectKey: project })
      addIssue(jira.site(id), { projectKey: project, type: 'Bug' })
    }
    jira.state.grantSites = ['c1', 'c2', 'c3']
    const account = await createAccount({ role: 'admin' })
    const page = await signedInPage(browser, 1440, account)
    await page.goto('/settings/connections')
    await page.locator('#connect-jira details.connect-method').first().waitFor()
    await page.getByRole('button', { name: 'Connect with Jira' }).first().click()
    await page.waitForURL('**/integrations/oauth/accounts/*')
    await page.screenshot({ path: `${SHOTS}/jira-sites-1440.png`, fullPage: true })
    await page.getByLabel('Alpha Rockets').check()
    await page.getByLabel('Gamma Works').check()
    await page.getByRole('button', { name: 'Connect the ticked accounts' }).click()
    await page.waitForURL('**/settings/connections')
    await page.getByText('Connected to Jira (Alpha Rockets)').waitFor()
    await page.getByText('Connected to Jira (Gamma Works)').waitFor()

    const connections = await Connection.query().where('plugin_id', 'jira').orderBy('account_key')
    assert.deepEqual(
      connections.map((connection) => connection.accountKey),
      ['c1', 'c3']
    )
    // the first syncs were queued: a worker runs them
    // (issue ids repeat across sites: each site's issues stay its own)
    await processQueueUntil(async () => {
      const [{ total }] = await db.from('issues').count('* as total')
      return Number(total) === 4
    })
    for (const connection of connections) {
      const keys = await db.from('issues').where('connection_id', connection.id).select('key')
      const project = connection.accountKey === 'c1' ? 'ALPHA' : 'GAMMA'
      assert.sameMembers(
        keys.map((row) => row.key),
        [`${project}-1`, `${project}-2`]
      )
    }
    const sites = new Set(jira.requestsTo(/search\/jql$/).map((request) => request.site))
    assert.sameMembers([...sites], ['c1', 'c3'])
  }).timeout(120_000)

  for (const [width, scheme] of [
    [390, 'dark'],
    [1440, 'light'],
  ] as const) {
    test(`Product Detail lists the issues linked to its pull requests at ${width} px, ${scheme}`, async ({
      browser,
      assert,
    }) => {
      addIssue(jira.site('c1'), {
        projectKey: 'ENG',
        summary: 'Checkout times out under load',
        type: 'Bug',
        sprints: [{ id: 12, name: 'Checkout Sprint 12', state: 'active' }],
      })
      const account = await createAccount({ role: 'viewer' })
      const organizationId = account.organization.id
      const github = new FencedDomainStore(
        { organizationId, provider: 'github', connectionId: null },
        () => {}
      )
      await github.upsertRepositories([{ externalId: '1', name: 'api', fullName: 'acme/api' }])
      await github.upsertPullRequests([
        {
          externalId: 'pr-1',
          repositoryExternalId: '1',
          number: 1,
          title: 'ENG-1: pool the checkout connections',
          state: 'open',
          openedAt: '2026-11-03T10:00:00.000Z',
        },
      ])
      const connection = await connectSite(account.organization, jira, 'c1')
      await new RunSync().execute({ connection, trigger: 'cli' })
      const [repository] = await db.from('repositories').where('organization_id', organizationId)
      const product = await Product.findOrFail(
        await insertProduct(organizationId, 'Checkout', [repository.id])
      )

      const page = await signedInPage(browser, width, account, scheme)
      await page.goto(
        `/insights/products/${product.publicId}?range=custom&from=2026-11-02&to=2026-11-08`
      )
      await page.getByText('Issues linked to pull requests').waitFor()
      // the linked issues' table (the product's issues list it too)
      const linked = page.locator('[data-table="issues"]')
      await linked.getByText('Checkout times out under load').waitFor()
      await linked.getByText('Checkout Sprint 12').waitFor()
      await page.screenshot({ path: `${SHOTS}/jira-product-issues-${width}.png`, fullPage: true })
      const section = page
        .getByText('Issues linked to pull requests')
        .locator('xpath=ancestor::section[1]')
      await section.screenshot({
        path: `${SHOTS}/jira-product-issues-table-${width}-${scheme}.png`,
      })
      assert.isAtMost(await overflow(page), 0)
    }).timeout(120_000)
  }

  for (const [width, scheme] of [
    [390, 'light'],
    [1440, 'dark'],
  ] as const) {
    test(`the Jira card on a connection's page at ${width} px, ${scheme}`, async ({
      browser,
      assert,
    }) => {
      addIssue(jira.site('c1'), { projectKey: 'ENG' })
      addIssue(jira.site('c1'), { projectKey: 'OPS' })
      const account = await createAccount({ role: 'admin' })
      const connection = await connectSite(account.organization, jira, 'c1')
      await new RunSync().execute({ connection, trigger: 'cli' })
      const page = await signedInPage(browser, width, account, scheme)
      await page.goto(`/settings/connections/${connection.publicId}`)
      const card = page.locator('.jira-settings')
      await card.getByText('2 projects: ENG, OPS.').waitFor()
      await page.getByLabel('Incident issue types').fill('Problem')
      await card.screenshot({ path: `${SHOTS}/jira-settings-${width}-${scheme}.png` })
      assert.isAtMost(await overflow(page), 0)
      await page.getByRole('button', { name: 'Save issue types' }).click()
      await page.getByText('Issue types saved').waitFor()

      // a refused name: the form again, on its own page, with the message under the field
      await page.getByLabel('Bug issue types').fill('Bug <b>')
      await page.getByRole('button', { name: 'Save issue types' }).click()
      await page.getByText('The issue types could not be saved.').waitFor()
      await page.getByText('Names may not contain < or >.').waitFor()
      await page.screenshot({
        path: `${SHOTS}/jira-issue-types-422-${width}-${scheme}.png`,
        fullPage: true,
      })
      assert.isAtMost(await overflow(page), 0)
    }).timeout(120_000)
  }
})
