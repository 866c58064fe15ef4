import { test } from '@japa/runner'
import { mkdir } from 'node:fs/promises'
import type { BrowserContext, Page } from 'playwright'
import { AxeBuilder } from '@axe-core/playwright'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { allRoutes } from '#tests/helpers/routes'
import { signInThroughPage } from '#tests/helpers/browser'
import PopulateDevData from '#actions/demo/populate_dev_data'

/**
 * Every page of the product, as the people who use it see it: at a desktop
 * width and a phone width, light and dark. Each visit must not scroll
 * sideways, leak template code, log a console error or a CSP violation,
 * or carry a serious or critical accessibility violation (axe-core).
 *
 * With SCREENSHOTS=1 (`npm run screenshots`) each visit also writes a PNG
 * to tmp/screenshots/ named after the role, the page, the width and the
 * colour scheme.
 */

const VIEWPORTS = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const
const SCHEMES = ['light', 'dark'] as const
const SCREENSHOTS = process.env.SCREENSHOTS === '1'

/** Pages that are not HTML pages for a person (feeds, files, redirects, sign-out). */
const NOT_A_PAGE = [
  /^\/api\//,
  /^\/webhooks\//,
  /^\/health/,
  /^\/metrics/,
  /\.(csv|json|xml|txt)$/,
  /\/(export|download|file|callback|authorize|sign-out|stream|events)(\/|$)/,
  // a repository's GBOM: the CycloneDX document, downloaded
  /\/gbom$/,
  /^\/sign-(in|up)\//,
  /^\/(invitations|reset-password|verify)/,
  /^\/oauth/,
  // The test suite's fixture plugin, not a product page.
  /^\/integrations\/fixture\//,
  /^\/auth\//,
  /\/preview$/,
]

function isHtml(headers: Record<string, string>) {
  return (headers['content-type'] ?? '').startsWith('text/html')
}

function isPage(path: string) {
  return !NOT_A_PAGE.some((pattern) => pattern.test(path))
}

/**
 * The GET pages to visit: every route without parameters, plus, for each
 * route with parameters, the first link to it found on those pages.
 */
async function pagesToVisit(page: Page): Promise<string[]> {
  const routes = allRoutes().filter((route) => route.method === 'GET')
  const fixed = routes
    .filter((route) => !route.pattern.includes(':') && !route.pattern.includes('*'))
    .map((route) => route.pattern)
    .filter(isPage)
  const patterns = routes
    .filter((route) => route.pattern.includes(':'))
    .map((route) => ({
      pattern: route.pattern,
      matcher: new RegExp(`^${route.pattern.replace(/:[a-z_]+\??/gi, '[^/]+')}$`),
    }))
  const found = new Map<string, string>()
  // Only routes that answer with an HTML page (not JSON, not a redirect
  // to a provider) are pages.
  const pages: string[] = []
  for (const path of fixed) {
    const response = await page.goto(path)
    if (!response || response.status() !== 200 || !isHtml(response.headers())) continue
    pages.push(path)
    const hrefs = await page.$$eval('a[href^="/"]', (links) =>
      links.map((link) => link.getAttribute('href')!)
    )
    for (const href of hrefs) {
      const pathname = href.split(/[?#]/)[0]
      if (!isPage(pathname)) continue
      const route = patterns.find((candidate) => candidate.matcher.test(pathname))
      if (route && !found.has(route.pattern)) found.set(route.pattern, pathname)
    }
  }
  return [...pages, ...found.values()]
}

type Problem = string

/**
 * axe-core is the slow part of a visit: it runs on the desktop page in the
 * light scheme and on the phone page in the dark one, so every page is
 * checked at both widths and in both schemes.
 */
function wantsAxe(width: number, scheme: string) {
  return (width === 1440 && scheme === 'light') || (width === 390 && scheme === 'dark')
}

async function inspect(page: Page, label: string, withAxe: boolean): Promise<Problem[]> {
  const problems: Problem[] = []
  const overflow = await page.evaluate(
    `document.documentElement.scrollWidth - document.documentElement.clientWidth`
  )
  if (Number(overflow) > 0) problems.push(`${label}: scrolls sideways by ${overflow}px`)
  const text = String(await page.evaluate(`document.body.innerText`))
  const leak = text.match(/@(if|end|each|else|include)\b[^\n]{0,30}|\{\{[^\n]{0,30}/)
  if (leak) problems.push(`${label}: template code in the page: ${leak[0]}`)
  if (!withAxe) return problems
  const axe = await new AxeBuilder({ page }).analyze()
  for (const violation of axe.violations) {
    if (violation.impact === 'serious' || violation.impact === 'critical') {
      const where = violation.nodes
        .slice(0, 3)
        .map((node) => node.target.join(' '))
        .join(' | ')
      problems.push(`${label}: axe ${violation.impact} ${violation.id} (${where})`)
    }
  }
  return problems
}

function screenshotName(role: string, path: string, viewport: string, scheme: string) {
  const slug =
    path
      .replace(/^\/+/, '')
      .replace(/[^a-z0-9]+/gi, '-')
      .replace(/-+$/, '') || 'home'
  return `tmp/screenshots/${role}--${slug}--${viewport}-${scheme}.png`
}

async function sweep(context: BrowserContext, page: Page, role: string) {
  const problems: Problem[] = []
  const consoleErrors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text())
  })
  page.on('pageerror', (error) => consoleErrors.push(error.message))
  await context.addInitScript(
    `document.addEventListener('securitypolicyviolation', (event) => console.error('CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI))`
  )

  const paths = await pagesToVisit(page)
  if (SCREENSHOTS) await mkdir('tmp/screenshots', { recursive: true })
  for (const path of paths) {
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize({ width: viewport.width, height: viewport.height })
      for (const scheme of SCHEMES) {
        await page.emulateMedia({ colorScheme: scheme })
        consoleErrors.length = 0
        const label = `${role} ${path} @${viewport.width} ${scheme}`
        const response = await page.goto(path)
        const status = response?.status() ?? 0
        // A viewer is refused some pages: the refusal page is checked too.
        if (status >= 500) problems.push(`${label}: answered ${status}`)
        await page.waitForLoadState('load')
        const found = await inspect(page, label, wantsAxe(viewport.width, scheme))
        for (const error of consoleErrors) {
          // A refused page (403 for a viewer) is logged by the browser as a
          // failed load of the page itself: that is its status, not an error.
          if (status >= 400 && error.includes(`status of ${status}`)) continue
          found.push(`${label}: console error: ${error}`)
        }
        // Printed as found, so a long sweep shows its findings early.
        for (const problem of found) console.log(`  ✗ ${problem}`)
        problems.push(...found)
        if (SCREENSHOTS) {
          await page.screenshot({
            path: screenshotName(role, path, viewport.name, scheme),
            fullPage: true,
          })
        }
      }
    }
  }
  return { paths, problems }
}

test.group('Browser | every page', (group) => {
  group.each.setup(resetDatabase())

  test('as owner and as viewer: every page at 1440 and 390 px, light and dark, is clean', async ({
    visit,
    browser,
    browserContext,
    assert,
  }) => {
    const { organization } = await new PopulateDevData().execute()
    const owner = await createAccount({
      organization: organization!,
      role: 'owner',
      superuser: true,
    })
    const viewer = await createAccount({ organization: organization!, role: 'viewer' })

    const ownerPage = await visit('/sign-in')
    await signInThroughPage(ownerPage, owner)
    const asOwner = await sweep(browserContext, ownerPage, 'owner')

    // The viewer browses in a browser context of their own.
    const viewerContext = await browser.newContext({ baseURL: new URL(ownerPage.url()).origin })
    const viewerPage = await viewerContext.newPage()
    await signInThroughPage(viewerPage, viewer)
    const asViewer = await sweep(viewerContext, viewerPage, 'viewer')
    await viewerContext.close()

    assert.isAtLeast(asOwner.paths.length, 20)
    assert.isAtLeast(asViewer.paths.length, 8)
    assert.deepEqual([...asOwner.problems, ...asViewer.problems], [])
  }).timeout(2_400_000)
})
