import { test } from '@japa/runner'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { totp } from '#services/totp'
import { startFakeModelServer, type FakeModelServer } from '../fake_model/fake_model_server.js'
import { createAllRoundModel } from '../fake_model/models.js'
import { png } from '../helpers/web.js'

test.group('Browser | assistant', (group) => {
  let fake: FakeModelServer
  group.setup(async () => {
    fake = await startFakeModelServer()
    return () => fake.close()
  })
  group.each.setup(resetDatabase())

  test('add a model, test it, chat, watch the reply stream in, reload and find the thread', async ({
    visit,
    assert,
  }) => {
    const admin = await createAccount({ role: 'admin' })
    const page = await visit('/sign-in')
    await page.getByLabel('Email').fill(admin.email)
    await page.getByLabel('Password').fill(admin.password)
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL('**/sign-in/mfa')
    await page.getByLabel('Code', { exact: true }).fill(totp.codeAt(admin.totpSecret!, Date.now()))
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.waitForURL((url) => url.pathname === '/')

    await page.getByRole('link', { name: 'Assistant' }).click()
    await page.waitForURL('**/assistant')
    await page.getByRole('link', { name: 'AI models' }).click()
    await page.waitForURL('**/assistant/models')
    await page.getByLabel('Name').fill('Loopback model')
    await page.getByLabel('Model id').fill('fake-chat')
    await page.getByLabel('Base URL').fill(fake.baseUrl)
    await page.getByLabel('API key').fill('sk-browser-test')
    await page.getByLabel('Chat', { exact: true }).check()
    await page.getByLabel('Default for chat').check()
    await page.getByRole('button', { name: 'Add model' }).click()
    await page.getByRole('cell', { name: /Loopback model/ }).waitFor()

    fake.setChatReply('OK')
    await page.getByRole('button', { name: 'Test' }).click()
    const outcome = page.getByTestId('model-test-outcome')
    await outcome.waitFor()
    assert.include(await outcome.textContent(), 'Chat works: the model replied “OK”.')
    fake.setChatReply(null)

    await page.getByRole('link', { name: 'Chat', exact: true }).click()
    await page.waitForURL('**/assistant')
    await page.getByLabel('Your question').fill('Which river runs through Lisbon?')
    await page.getByRole('button', { name: 'Send' }).click()
    await page.waitForURL('**/assistant/threads/*')
    const streamed = page.getByTestId('streaming-reply')
    await streamed.filter({ hasText: 'You asked: Which river runs through Lisbon?' }).waitFor()
    const threadUrl = page.url()

    await page.reload()
    assert.equal(page.url(), threadUrl)
    await page
      .getByTestId('thread-list')
      .getByRole('link', { name: /Which river runs through Lisbon\?/ })
      .waitFor()
    const messages = page.getByTestId('chat-message')
    assert.equal(await messages.count(), 2)
    assert.include(
      await messages.nth(1).textContent(),
      'You asked: Which river runs through Lisbon?'
    )
    assert.isTrue(fake.requestsTo('chat').at(-1)!.body.stream)

    // a follow-up on the thread's page is appended and streams in place
    await page.getByLabel('Your question').fill('How long is it?')
    await page.getByRole('button', { name: 'Send' }).click()
    await streamed.filter({ hasText: 'You asked: How long is it?' }).waitFor()
    assert.equal(await messages.count(), 4)
    assert.equal(await page.getByLabel('Your question').inputValue(), '')
  }).timeout(60_000)

  test('attach a photo to a question: it shows in the thread and reaches the vision model', async ({
    visit,
    assert,
  }) => {
    const member = await createAccount()
    await createAllRoundModel(member.organization, fake.baseUrl)
    const page = await visit('/sign-in')
    await page.getByLabel('Email').fill(member.email)
    await page.getByLabel('Password').fill(member.password)
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL('**/sign-in/mfa')
    await page.getByLabel('Code', { exact: true }).fill(totp.codeAt(member.totpSecret!, Date.now()))
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.waitForURL((url) => url.pathname === '/')
    await page.goto('/assistant')

    await page.getByLabel('Your question').fill('What colour is this?')
    await page.getByLabel(/Photo/).setInputFiles({
      name: 'dot.png',
      mimeType: 'image/png',
      buffer: png(),
    })
    await page.getByRole('button', { name: 'Send' }).click()
    await page.waitForURL('**/assistant/threads/*')
    await page
      .getByTestId('streaming-reply')
      .filter({ hasText: 'You asked: What colour is this?' })
      .waitFor()

    const photo = page.getByRole('img', { name: 'Photo sent with the question' })
    await photo.waitFor()
    assert.isAbove(
      await photo.evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth),
      0
    )
    const asked = fake.requestsTo('chat').at(-1)!.body.messages.at(-1)
    assert.isTrue(asked.content.some((part: any) => part.type === 'image_url'))
  }).timeout(60_000)
})
