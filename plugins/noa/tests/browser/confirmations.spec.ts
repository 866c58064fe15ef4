import { test } from '@japa/runner'
import type { Browser, Page } from 'playwright'
import { DateTime } from 'luxon'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount, type TestAccount } from '#tests/helpers/accounts'
import { signInThroughPage } from '#tests/helpers/browser'
import AiModel from '../../ai/ai_model.js'
import Thread from '../../chat/thread.js'
import KnowledgeEntry from '../../knowledge/knowledge_entry.js'
import { startFakeModelServer, type FakeModelServer } from '../fake_model/fake_model_server.js'
import { createAllRoundModel } from '../fake_model/models.js'

/**
 * Issue 14, item 11: removing an AI model, deleting a conversation and
 * deleting a knowledge entry ask first: opening the action only shows
 * the question, the row goes on "Yes", with JavaScript (in place) and
 * without it (a plain form).
 */
async function withoutJavaScript(browser: Browser) {
  const context = await browser.newContext({
    javaScriptEnabled: false,
    baseURL: `http://${process.env.HOST}:${process.env.PORT}`,
  })
  return context.newPage()
}

/** the row is gone once the write has landed (htmx answers with HX-Location, a form with a redirect) */
async function gone(find: () => Promise<unknown>) {
  for (let attempt = 0; attempt < 100; attempt++) {
    if ((await find()) === null) return true
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return false
}

/** a signed-in page with JavaScript, and one without, each for its own admin of one organisation */
async function bothBrowsers(visit: (url: string) => Promise<Page>, browser: Browser) {
  const admin = await createAccount({ role: 'admin' })
  // a second admin for the second browser: a TOTP code signs in once
  const second = await createAccount({ organization: admin.organization, role: 'admin' })
  const pages: Array<[Page, TestAccount]> = [
    [await visit('/sign-in'), admin],
    [await withoutJavaScript(browser), second],
  ]
  for (const [page, account] of pages) await signInThroughPage(page, account)
  return { organization: admin.organization, pages }
}

test.group('Browser | Noa asks before deleting', (group) => {
  let fake: FakeModelServer
  group.setup(async () => {
    fake = await startFakeModelServer()
    return () => fake.close()
  })
  group.each.setup(resetDatabase())

  test('removing an AI model asks first, with and without JavaScript', async ({
    visit,
    browser,
    assert,
  }) => {
    const { organization, pages } = await bothBrowsers(visit, browser)
    const first = await createAllRoundModel(organization, fake.baseUrl, { name: 'Model one' })
    const other = await createAllRoundModel(organization, fake.baseUrl, {
      name: 'Model two',
      defaultChat: false,
      defaultVision: false,
      defaultTranscription: false,
      defaultEmbeddings: false,
    })
    for (const [[page], model] of [
      [pages[0], first],
      [pages[1], other],
    ] as const) {
      await page.goto('/assistant/models')
      const row = page.getByRole('row', { name: new RegExp(model.name) })
      await row.getByText('Remove', { exact: true }).click()
      const confirm = row.getByRole('group', { name: 'Confirm removal' })
      await confirm.waitFor()
      assert.include(await confirm.innerText(), `Remove the model “${model.name}”?`)
      assert.isNotNull(await AiModel.find(model.id), 'removed before Yes')
      await confirm.getByRole('button', { name: `Yes, remove ${model.name}` }).click()
      assert.isTrue(await gone(() => AiModel.find(model.id)), `${model.name} not removed on Yes`)
    }
  }).timeout(90_000)

  test('deleting a conversation asks first, with and without JavaScript', async ({
    visit,
    browser,
    assert,
  }) => {
    const { organization, pages } = await bothBrowsers(visit, browser)
    for (const [page, account] of pages) {
      const thread = await Thread.create({
        organizationId: organization.id,
        userId: account.user.id,
        title: `Rivers of ${account.email}`,
        source: 'web',
        lastMessageAt: DateTime.utc(),
      })
      await page.goto(`/assistant/threads/${thread.publicId}`)
      await page.getByText('Delete conversation', { exact: true }).click()
      const confirm = page.getByRole('group', { name: 'Confirm deletion' })
      await confirm.waitFor()
      assert.include(await confirm.innerText(), 'Delete this conversation and all its messages?')
      assert.isNotNull(await Thread.find(thread.id), 'deleted before Yes')
      await confirm.getByRole('button', { name: 'Yes, delete it' }).click()
      assert.isTrue(await gone(() => Thread.find(thread.id)), 'conversation not deleted on Yes')
    }
  }).timeout(90_000)

  test('deleting a knowledge entry asks first, with and without JavaScript', async ({
    visit,
    browser,
    assert,
  }) => {
    const { organization, pages } = await bothBrowsers(visit, browser)
    const entries = await KnowledgeEntry.createMany(
      ['Where is the office?', 'When is payday?', 'Who approves leave?'].map((question) => ({
        organizationId: organization.id,
        documentTitle: 'Handbook',
        question,
        answer: 'Ask the team.',
        embedding: null,
        embedderId: null,
        embeddingDimensions: null,
      }))
    )
    for (const [[page], entry] of [
      [pages[0], entries[0]],
      [pages[1], entries[1]],
    ] as const) {
      await page.goto('/assistant/knowledge')
      await page.getByLabel(`Delete the question ${entry.question}`).click()
      const row = page.getByRole('row', { name: new RegExp(entry.question.replace('?', '\\?')) })
      const confirm = row.getByRole('group', { name: 'Confirm deletion' })
      await confirm.waitFor()
      assert.include(await confirm.innerText(), 'Delete this question and its answer?')
      assert.isNotNull(await KnowledgeEntry.find(entry.id), 'deleted before Yes')
      await confirm.getByRole('button', { name: 'Yes, delete' }).click()
      assert.isTrue(await gone(() => KnowledgeEntry.find(entry.id)), 'entry not deleted on Yes')
      assert.isNotNull(await KnowledgeEntry.find(entries[2].id), 'another entry went too')
    }
  }).timeout(90_000)
})
