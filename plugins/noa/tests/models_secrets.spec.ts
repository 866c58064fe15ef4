import { test } from '@japa/runner'
import { resetDatabase, db } from '#tests/helpers/database'
import { runAce } from '#tests/helpers/processes'
import { SecretBox } from '#services/secret_box'
import { createAllRoundModel, memberWithToken } from './helpers/assistant.js'

test.group('AI models | API keys at rest', (group) => {
  group.each.setup(resetDatabase)

  test('secrets:rotate re-seals the models’ API keys with the new key', async ({ assert }) => {
    const admin = await memberWithToken({ role: 'admin' })
    const model = await createAllRoundModel(admin.organization, 'http://127.0.0.1:9/v1')
    const oldKey = process.env.SECRETS_ENCRYPTION_KEYS!
    const newKey = 'noa-rotation-test-new-key-not-secret-0123456789'
    const before = await db.from('noa_ai_models').where('id', model.id).firstOrFail()

    const result = await runAce(['secrets:rotate'], {
      SECRETS_ENCRYPTION_KEYS: `${newKey},${oldKey}`,
      DB_CONNECTION: process.env.DB_CONNECTION,
      DATABASE_URL: process.env.DATABASE_URL,
    })

    assert.equal(result.code, 0, result.stdout + result.stderr)
    assert.include(result.stdout, 'noa_ai_models.api_key: 1 re-encrypted')
    const after = await db.from('noa_ai_models').where('id', model.id).firstOrFail()
    assert.notEqual(after.api_key, before.api_key)
    const purpose = { table: 'noa_ai_models', column: 'api_key', rowId: model.id }
    assert.equal(new SecretBox([newKey]).open(after.api_key, purpose), 'sk-test-not-secret')
  }).timeout(60_000)

  test('a sealed key copied to another model’s row does not open', async ({ assert }) => {
    const admin = await memberWithToken({ role: 'admin' })
    const first = await createAllRoundModel(admin.organization, 'http://127.0.0.1:9/v1')
    const second = await createAllRoundModel(admin.organization, 'http://127.0.0.1:9/v1', {
      apiKey: 'sk-other',
    })
    await db.from('noa_ai_models').where('id', second.id).update({ api_key: first.apiKey })

    await second.refresh()

    assert.throws(() => second.openApiKey())
  })
})
