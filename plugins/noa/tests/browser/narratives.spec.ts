import { test } from '@japa/runner'
import { mkdir } from 'node:fs/promises'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { signInThroughPage } from '#tests/helpers/browser'
import { useCassette } from '#tests/helpers/cassettes'
import { ANOMALY_WEEK, RUN_DAY, seedHalvedWeek } from '#tests/helpers/seeded_anomaly'
import ContextualizeInsights from '#actions/insights/contextualize_insights'
import { createAllRoundModel } from '../fake_model/models.js'

const SCREENSHOTS = process.env.SCREENSHOTS === '1'

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
            .screenshot({ path: `tmp/screenshots/narrative--${scheme}--${width}.png` })
          await page.screenshot({
            path: `tmp/screenshots/narrative-page--${scheme}--${width}.png`,
            fullPage: true,
          })
        }
      }
    }
  }).timeout(120_000)
})
