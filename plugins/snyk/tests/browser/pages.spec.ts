import { test } from '@japa/runner'
import { mkdir } from 'node:fs/promises'
import { DateTime } from 'luxon'
import { AxeBuilder } from '@axe-core/playwright'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { signInThroughPage } from '#tests/helpers/browser'
import type { FakeSnyk } from '../fake_snyk.js'
import { connectOrg, seedToken, startSnyk, sync } from '../testbed.js'

const daysAgo = (days: number) => DateTime.utc().minus({ days }).toISO()!

/**
 * The Snyk plugin's pages in Chromium, as an admin sees them with real
 * breaches: at 1440 and 390 px, light and dark, they do not scroll
 * sideways and carry no serious accessibility violation; the SLA form
 * saves. `SCREENSHOTS=1` writes PNGs to tmp/screenshots.
 */
test.group('Browser | Snyk pages', (group) => {
  let snyk: FakeSnyk
  group.setup(async () => {
    snyk = await startSnyk()
    return () => snyk.stop()
  })
  group.each.setup(resetDatabase())

  test('the remediation SLA and organisations pages at both widths and schemes; the SLA form saves', async ({
    visit,
    assert,
  }) => {
    const [acme] = seedToken(snyk, ['Acme Rockets', 'Beta Labs'])
    const project = snyk.addProject(acme.id, {
      name: 'acme-rockets/launch-control-with-a-rather-long-repository-name:package.json',
      url: 'https://github.com/acme-rockets/launch-control-with-a-rather-long-repository-name',
    })
    for (const [severity, days] of [
      ['critical', 40],
      ['critical', 22],
      ['high', 45],
      ['medium', 120],
    ] as const) {
      snyk.addIssue(acme.id, project.id, {
        effective_severity_level: severity,
        created_at: daysAgo(days),
        cve: 'CVE-2026-12345',
        fixable: true,
        exploit: 'Mature',
        title: 'Prototype Pollution in a deeply nested dependency of the build tooling',
      })
    }
    const admin = await createAccount({ role: 'admin' })
    const connection = await connectOrg(admin.organization, acme.id)
    await sync(connection)

    const page = await visit('/sign-in')
    await signInThroughPage(page, admin)
    const screenshots = process.env.SCREENSHOTS === '1'
    if (screenshots) await mkdir('tmp/screenshots', { recursive: true })
    const problems: string[] = []
    for (const path of [
      '/integrations/snyk/sla',
      `/integrations/snyk/connections/${connection.publicId}/organizations`,
    ]) {
      for (const width of [1440, 390]) {
        for (const scheme of ['light', 'dark'] as const) {
          await page.setViewportSize({ width, height: 900 })
          await page.emulateMedia({ colorScheme: scheme })
          const response = await page.goto(path)
          assert.equal(response?.status(), 200, path)
          const overflow = await page.evaluate(
            `document.documentElement.scrollWidth - document.documentElement.clientWidth`
          )
          if (Number(overflow) > 0)
            problems.push(`${path} @${width} ${scheme}: scrolls by ${overflow}px`)
          const axe = await new AxeBuilder({ page }).analyze()
          for (const violation of axe.violations) {
            if (violation.impact === 'serious' || violation.impact === 'critical') {
              problems.push(`${path} @${width} ${scheme}: axe ${violation.id}`)
            }
          }
          if (screenshots) {
            const slug = path.includes('/sla') ? 'sla' : 'organizations'
            await page.screenshot({
              path: `tmp/screenshots/snyk-${slug}-${width}-${scheme}.png`,
              fullPage: true,
            })
          }
        }
      }
    }
    assert.deepEqual(problems, [])

    await page.goto('/integrations/snyk/sla')
    const body = await page.textContent('main')
    assert.include(
      body,
      '2 critical vulnerabilities with a known exploit and a fix available, open 40 days'
    )
    assert.include(body, 'Past the SLA (4)')
    assert.include(body, '40 days (SLA 15)')
    await page.getByLabel('Critical').fill('60')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByText('Remediation SLA saved.').waitFor()
    assert.include(
      await page.textContent('main'),
      '40 days (SLA 60)'.replace('40 days (SLA 60)', 'Past the SLA (2)')
    )
  })
})
