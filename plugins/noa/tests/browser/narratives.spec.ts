import { test } from '@japa/runner'
import { mkdir } from 'node:fs/promises'
import type { Page } from 'playwright'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { signInThroughPage } from '#tests/helpers/browser'
import { useCassette } from '#tests/helpers/cassettes'
import { ANOMALY_WEEK, RUN_DAY, seedHalvedWeek } from '#tests/helpers/seeded_anomaly'
import ContextualizeInsights from '#actions/insights/contextualize_insights'
import { createAllRoundModel } from '../fake_model/models.js'
import { startFakeModelServer } from '../fake_model/fake_model_server.js'

const SCREENSHOTS = process.env.SCREENSHOTS === '1'

/** the page at 1440 and 390 px, light and dark: nothing scrolls sideways; screenshots with SCREENSHOTS=1 */
async function atEveryWidth(
  page: Page,
  assert: { isAtMost: (a: number, b: number, m: string) => void },
  name: string
) {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    for (const [width, height] of [
      [1440, 900],
      [390, 844],
    ]) {
      await page.setViewportSize({ width, height })
      const scrollWidth = await page.evaluate(
        () =>
          (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
            .document.documentElement.scrollWidth
      )
      assert.isAtMost(scrollWidth, width, `${scheme} ${width}px scrolls sideways`)
      if (SCREENSHOTS) {
        await mkdir('tmp/screenshots', { recursive: true })
        await page
          .getByTestId('what-changed')
          .screenshot({ path: `tmp/screenshots/${name}--${scheme}--${width}.png` })
        await page.screenshot({
          path: `tmp/screenshots/${name}-page--${scheme}--${width}.png`,
          fullPage: true,
        })
      }
    }
  }
}

test.group('Browser | narratives of What changed', (group) => {
  group.each.setup(resetDatabase())

  test('the model-written narrative fits a phone and desktop, light and dark', async ({
    visit,
    assert,
  }) => {
    const member = await createAccount({ role: 'member' })
    await seedHalvedWeek(member.organization.id)
    // replayed: tests/cassettes/insights/halved_deployments.json
    const tape = await useCassette('insights/halved_deployments')
    await createAllRoundModel(member.organization, tape.baseUrl)
    await new ContextualizeInsights().execute({
      organizationId: member.organization.id,
      days: 7,
      pipelines: ['anomalies', 'summary'],
      day: RUN_DAY,
    })
    await tape.eject()

    const page = await visit('/sign-in')
    await signInThroughPage(page, member)
    await page.goto(`/insights?from=${ANOMALY_WEEK.from}&to=${ANOMALY_WEEK.to}`)
    const narrative = page.getByTestId('narrative')
    await narrative.waitFor()
    assert.include(
      await narrative.innerText(),
      'acme/api shipped 5 times against 20 usually (5 < 20)'
    )
    assert.include(await narrative.innerText(), 'Written by a model (Fake all-rounder (fake-chat))')
    await atEveryWidth(page, assert, 'narrative')
  }).timeout(120_000)

  test('a model that failed is said on What changed, with the day and a short reason; the finding still shows', async ({
    visit,
    assert,
  }) => {
    const member = await createAccount({ role: 'member' })
    await seedHalvedWeek(member.organization.id)
    const fake = await startFakeModelServer()
    try {
      fake.setMode('error', 'chat')
      await createAllRoundModel(member.organization, fake.baseUrl)
      await new ContextualizeInsights().execute({
        organizationId: member.organization.id,
        days: 7,
        pipelines: ['anomalies', 'summary'],
        day: RUN_DAY,
      })
    } finally {
      await fake.close()
    }

    const page = await visit('/sign-in')
    await signInThroughPage(page, member)
    await page.goto(`/insights?from=${ANOMALY_WEEK.from}&to=${ANOMALY_WEEK.to}`)
    const failure = page.getByTestId('narrative-failure')
    await failure.waitFor()
    const said = await failure.innerText()
    assert.equal(
      said.trim(),
      `The model could not explain this finding on ${RUN_DAY}: The chat model “Fake all-rounder” answered HTTP 500: the provider failed. The figures below are the statistical findings alone.`
    )
    assert.equal(await page.getByTestId('narrative').count(), 0)
    assert.include(
      await page.getByTestId('what-changed').innerText(),
      'Deployments were 50% below usual from 2026-03-02 to 2026-03-06'
    )
    await atEveryWidth(page, assert, 'narrative-failure')
  }).timeout(120_000)
})
