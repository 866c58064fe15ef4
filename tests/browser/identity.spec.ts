import { test } from '@japa/runner'
import { mkdir } from 'node:fs/promises'
import type { Page } from 'playwright'
import db from '@adonisjs/lucid/services/db'
import { FencedDomainStore } from '#services/domain/domain_store'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount, type TestAccount } from '#tests/helpers/accounts'
import { createConnection } from '#tests/helpers/connections'
import { totp } from '#services/totp'

const SHOTS = 'tmp/screenshots/identity'

async function signIn(visit: (path: string) => Promise<Page>, account: TestAccount) {
  const page = await visit('/sign-in')
  await page.getByLabel('Email').fill(account.email)
  await page.getByLabel('Password').fill(account.password)
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.waitForURL('**/sign-in/mfa')
  await page.getByLabel('Code', { exact: true }).fill(totp.codeAt(account.totpSecret!, Date.now()))
  await page.getByRole('button', { name: 'Verify' }).click()
  await page.waitForURL((url) => url.pathname === '/')
  return page
}

/** a GitHub repository, a finding naming a repository nobody wrote, and two people */
async function seed(organizationId: number) {
  const connection = await createConnection(
    (await db.from('organizations').where('id', organizationId).firstOrFail()) as never
  )
  const github = new FencedDomainStore(
    { organizationId, provider: 'github', connectionId: null },
    () => {}
  )
  await github.upsertRepositories([
    { externalId: '1001', name: 'api', fullName: 'acme/api', url: 'https://github.com/acme/api' },
  ])
  await github.upsertContributors([{ externalId: '7', login: 'octo-ada', name: 'Ada Lovelace' }])
  const fixture = new FencedDomainStore(
    { organizationId, provider: 'fixture', connectionId: connection.id },
    () => {}
  )
  await fixture.upsertVulnerabilities([
    {
      externalId: 'v-1',
      repository: {
        url: 'https://scm.internal.example/platform/a-rather-long-legacy-service-name',
      },
      title: 'Prototype pollution',
      severity: 'high',
      status: 'open',
      introducedAt: '2026-03-03T10:00:00.000Z',
    },
  ])
  await fixture.upsertContributors([{ externalId: 'm-1', login: 'ada', name: 'Ada L.' }])
}

/** no sideways scrolling: the page fits the viewport */
async function fits(page: Page) {
  return page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')
}

test.group('Browser | repository mapping and people', (group) => {
  group.each.setup(resetDatabase())

  test('both pages fit phones and desktops, light and dark; people merge without JavaScript tricks', async ({
    visit,
    assert,
  }) => {
    const admin = await createAccount({ role: 'admin' })
    await seed(admin.organization.id)
    const page = await signIn(visit, admin)
    await mkdir(SHOTS, { recursive: true })

    for (const width of [390, 1440]) {
      for (const scheme of ['light', 'dark'] as const) {
        await page.setViewportSize({ width, height: 900 })
        await page.emulateMedia({ colorScheme: scheme })
        for (const path of ['/settings/repository-mapping', '/settings/people']) {
          await page.goto(path)
          const name = path.split('/').at(-1)
          await page.screenshot({ path: `${SHOTS}/${name}-${width}-${scheme}.png`, fullPage: true })
          assert.isTrue(await fits(page), `${path} at ${width}px (${scheme}) scrolls sideways`)
        }
      }
    }

    await page.setViewportSize({ width: 1440, height: 900 })
    await page.goto('/settings/people')
    await page.getByLabel('Merge Ada Lovelace').check()
    await page.getByLabel('Merge Ada L.').check()
    await page.getByRole('button', { name: 'Merge the chosen people' }).click()
    await page.getByText('2 people are now one').waitFor()
    const people = await db.from('people').where('organization_id', admin.organization.id)
    assert.lengthOf(people, 1)
  })
})
