import { test } from '@japa/runner'
import { mkdir } from 'node:fs/promises'
import type { Page } from 'playwright'
import db from '@adonisjs/lucid/services/db'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { signInThroughPage } from '#tests/helpers/browser'
import {
  insertDeployment,
  insertProduct,
  insertPullRequest,
  insertRepository,
} from '#tests/helpers/insights'
import { publicIds } from '#services/public_id'
import RollUpMetrics from '#actions/insights/roll_up_metrics'
import ContextualizeInsights from '#actions/insights/contextualize_insights'
import { stopMailLink } from '#services/agreements/mail_links'

const SCREENSHOTS = process.env.SCREENSHOTS === '1'

async function shoot(page: Page, name: string) {
  if (!SCREENSHOTS) return
  await mkdir('tmp/screenshots', { recursive: true })
  await page.screenshot({ path: `tmp/screenshots/agreements--${name}.png`, fullPage: true })
}

async function pageWidth(page: Page) {
  return page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
        .documentElement.scrollWidth
  )
}

function hoursAgo(hours: number) {
  return new Date(Date.now() - hours * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')
}

test.group('Browser | working agreements', (group) => {
  group.each.setup(resetDatabase())

  test('an admin adds an agreement from the page; it fits a phone and desktop, light and dark', async ({
    visit,
    assert,
  }) => {
    const admin = await createAccount({ role: 'admin' })
    const repositoryId = await insertRepository(admin.organization.id, 'api')
    for (let index = 0; index < 10; index++) {
      await insertPullRequest(admin.organization.id, repositoryId, {
        opened: hoursAgo(72),
        firstReview: hoursAgo(index < 7 ? 70 : 40),
        author: 'alice',
      })
    }
    const page = await visit('/sign-in')
    await signInThroughPage(page, admin)
    await page.goto('/settings/insights/agreements')
    await page.getByLabel('Measure').selectOption('first_review_within_hours')
    await page.getByLabel('Threshold (hours, lines, days or %)').fill('24')
    await page.getByLabel('Target (% that meet it)').fill('90')
    await page.getByRole('button', { name: 'Add agreement' }).click()
    await page.getByText('Last 7 days: 70% (7 of 10)').waitFor()
    // the redirect after the form brings the whole page back, not the list alone
    await page.getByRole('heading', { name: 'New agreement' }).waitFor()

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      for (const [width, height] of [
        [1440, 900],
        [390, 844],
      ]) {
        await page.setViewportSize({ width, height })
        assert.isAtMost(await pageWidth(page), width, `${scheme} ${width}px scrolls sideways`)
        await shoot(page, `page--${scheme}--${width}`)
      }
    }
  }).timeout(120_000)

  test("the insights pages' adherence strip fits a phone and desktop, light and dark", async ({
    visit,
    assert,
  }) => {
    const admin = await createAccount({ role: 'admin' })
    const repositoryId = await insertRepository(admin.organization.id, 'api')
    const product = await insertProduct(admin.organization.id, 'Core', [repositoryId])
    for (let index = 0; index < 10; index++) {
      await insertPullRequest(admin.organization.id, repositoryId, {
        opened: hoursAgo(72),
        firstReview: hoursAgo(index < 7 ? 70 : 40),
        author: 'alice',
      })
    }
    const page = await visit('/sign-in')
    await signInThroughPage(page, admin)
    for (const [kind, threshold] of [
      ['first_review_within_hours', '24'],
      ['ai_share_attested', '100'],
    ]) {
      await page.goto('/settings/insights/agreements')
      await page.getByLabel('Measure').selectOption(kind)
      await page.getByLabel('Threshold (hours, lines, days or %)').fill(threshold)
      await page.getByLabel('Target (% that meet it)').fill('90')
      await page.getByRole('button', { name: 'Add agreement' }).click()
      await page.getByRole('heading', { name: 'New agreement' }).waitFor()
    }
    const pages = {
      summary: '/insights',
      product: `/insights/products/${publicIds('product').encode(product)}`,
      compliance: '/insights/compliance',
    }
    for (const [name, path] of Object.entries(pages)) {
      await page.goto(path)
      await page.getByTestId('agreement-strip').getByText('70%').waitFor()
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme })
        for (const [width, height] of [
          [1440, 900],
          [390, 844],
        ]) {
          await page.setViewportSize({ width, height })
          assert.isAtMost(
            await pageWidth(page),
            width,
            `${name} ${scheme} ${width}px scrolls sideways`
          )
          if (SCREENSHOTS) {
            await mkdir('tmp/screenshots', { recursive: true })
            await page.screenshot({
              path: `tmp/screenshots/agreements--strip-${name}--${scheme}--${width}.png`,
              fullPage: true,
            })
            await page.getByTestId('agreement-strip').screenshot({
              path: `tmp/screenshots/agreements--strip-only-${name}--${scheme}--${width}.png`,
            })
          }
        }
      }
    }
  }).timeout(180_000)

  test('What changed on the Executive Summary fits a phone', async ({ visit, assert }) => {
    const member = await createAccount({ role: 'member' })
    const api = await insertRepository(member.organization.id, 'api')
    const first = new Date('2026-01-05T00:00:00Z')
    for (let offset = 0; offset < 63; offset++) {
      if (offset % 7 >= 5) continue
      const day = new Date(first.getTime() + offset * 86_400_000).toISOString().slice(0, 10)
      for (let index = 0; index < (offset >= 56 ? 1 : 4); index++) {
        await insertDeployment(member.organization.id, api, { started: `${day} 1${index}:00` })
      }
    }
    await new RollUpMetrics().execute({
      organizationId: member.organization.id,
      from: '2026-01-05',
      to: '2026-03-09',
    })
    await new ContextualizeInsights().execute({
      organizationId: member.organization.id,
      days: 7,
      pipelines: ['anomalies'],
      day: '2026-03-09',
    })
    assert.isAbove((await db.from('insight_findings')).length, 0)
    const page = await visit('/sign-in')
    await signInThroughPage(page, member)
    await page.goto('/insights?from=2026-03-02&to=2026-03-08')
    await page.getByRole('heading', { name: 'What changed' }).waitFor()
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      await page.setViewportSize({ width: 390, height: 844 })
      assert.isAtMost(await pageWidth(page), 390)
      if (SCREENSHOTS) {
        await mkdir('tmp/screenshots', { recursive: true })
        await page
          .getByTestId('what-changed')
          .screenshot({ path: `tmp/screenshots/agreements--what-changed--${scheme}--390.png` })
      }
    }
  }).timeout(120_000)

  test("the digest's unsubscribe page, signed out, fits a phone and desktop", async ({
    visit,
    assert,
  }) => {
    const member = await createAccount({ role: 'member' })
    const link = new URL(stopMailLink(member.membership.publicId))
    const page = await visit(link.pathname + link.search)
    await page.getByTestId('mail-stopped').waitFor()
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      for (const [width, height] of [
        [1440, 900],
        [390, 844],
      ]) {
        await page.setViewportSize({ width, height })
        assert.isAtMost(await pageWidth(page), width)
        await shoot(page, `stopped--${scheme}--${width}`)
      }
    }
    const [membership] = await db.from('memberships').where('user_id', member.user.id)
    assert.isNotNull(membership.insights_mail_stopped_at)
  }).timeout(60_000)
})
