import { test } from '@japa/runner'
import SaveAiModel from '../ai/actions/save_ai_model.js'
import AiModel from '../ai/ai_model.js'
import { createAllRoundModel, memberWithToken } from './helpers/assistant.js'
import { useFakeModelServer } from './helpers/fake_model_group.js'
import { allRoundModelValues } from './fake_model/models.js'
import { glassesForm, postGlasses } from './fake_model/glasses.js'

const HISTORY = [
  { role: 'user', content: 'What is the capital of France?' },
  { role: 'assistant', content: 'Paris.' },
]

/**
 * A model's decrypted key and SDK client are kept by the process between
 * requests (plugins/noa/ai/models.ts): an edit must still be used by the
 * very next request.
 */
test.group('Glasses endpoint | a model edited between two requests', (group) => {
  const fakeServer = useFakeModelServer(group)

  test('the next request sends the new key and the new model name', async ({ assert }) => {
    const fake = fakeServer()
    const member = await memberWithToken()
    const created = await createAllRoundModel(member.organization, fake.baseUrl)
    const headers = { Authorization: `Bearer ${member.token}` }
    const ask = async () => {
      const response = await postGlasses(glassesForm({ messages: HISTORY }), headers)
      assert.equal(response.status, 200, response.text)
      assert.isNull(response.headers.get('x-noa-failure'))
      return fake.requestsTo('chat').at(-1)!
    }

    const before = await ask()
    assert.equal(before.headers.authorization, 'Bearer sk-test-not-secret')
    assert.equal(before.body.model, 'fake-chat')

    const model = await AiModel.findOrFail(created.id)
    await new SaveAiModel().execute({
      organizationId: member.organization.id,
      model,
      values: allRoundModelValues(fake.baseUrl, {
        apiKey: 'sk-test-second-key',
        model: 'fake-chat-2',
      }),
    })

    const after = await ask()
    assert.equal(after.headers.authorization, 'Bearer sk-test-second-key')
    assert.equal(after.body.model, 'fake-chat-2')
    const transcription = fake.requestsTo('transcription').at(-1)!
    assert.equal(transcription.headers.authorization, 'Bearer sk-test-second-key')
  })
})
