import { test } from '@japa/runner'
import { resetDatabase } from '#tests/helpers/database'
import { createAllRoundModel, memberWithToken } from './helpers/assistant.js'
import { startFakeModelServer, type FakeModelServer } from './fake_model/fake_model_server.js'
import { glassesForm, jpeg, postGlasses } from './fake_model/glasses.js'

/**
 * Builds of the Noa app send more than the documented fields: the user's
 * tuning (`noa_system_prompt`, `temperature`) and, in some builds, a
 * `config` field meant as JSON that often is not.
 */
test.group('Glasses endpoint (POST /noa/mm): the app’s own settings', (group) => {
  let fake: FakeModelServer
  group.setup(async () => {
    fake = await startFakeModelServer()
    return () => fake.close()
  })
  group.each.setup(() => fake.reset())
  group.each.setup(resetDatabase)

  function systemMessage() {
    const [chat] = fake.requestsTo('chat').slice(-1)
    return String(chat.body.messages[0].content)
  }

  test('passes the user’s noa_system_prompt to the model below the organisation’s prompt', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)

    const response = await postGlasses(
      glassesForm({
        messages: [],
        image: jpeg(),
        extra: { noa_system_prompt: 'Answer like a pirate.', temperature: '0.3' },
      }),
      { Authorization: member.token }
    )

    assert.equal(response.status, 200, response.text)
    assert.include(systemMessage(), 'Answer like a pirate.')
  })

  test('uses the app’s temperature, and ignores one that is not a number from 0 to 2', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)

    await postGlasses(glassesForm({ messages: [], extra: { temperature: '0.3' } }), {
      Authorization: member.token,
    })
    const tuned = fake.requestsTo('chat').slice(-1)[0].body.temperature
    await postGlasses(glassesForm({ messages: [], extra: { temperature: 'warm' } }), {
      Authorization: member.token,
    })
    const untuned = fake.requestsTo('chat').slice(-1)[0].body.temperature

    assert.equal(tuned, 0.3)
    assert.notEqual(untuned, 'warm')
    assert.notEqual(untuned, 0.3)
  })

  test('reads address and local time from a config field that is not valid JSON', async ({
    assert,
  }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)

    const response = await postGlasses(
      glassesForm({
        messages: [],
        extra: {
          prompt: 'Where am I?',
          experiment: '1',
          config:
            '{"vision": "claude-3-haiku-20240307", address: 1 Market Street, San Francisco, local_time: 2025-07-02 11:29:48.054846}',
        },
      }),
      { Authorization: member.token }
    )

    assert.equal(response.status, 200, response.text)
    assert.equal(response.json.user_prompt, 'Where am I?')
    assert.include(systemMessage(), 'location: 1 Market Street, San Francisco.')
    assert.include(systemMessage(), '2025-07-02 11:29:48.054846')
  })

  test('reads address and local time from a config field that is JSON', async ({ assert }) => {
    const member = await memberWithToken()
    await createAllRoundModel(member.organization, fake.baseUrl)

    await postGlasses(
      glassesForm({
        messages: [],
        extra: {
          config: JSON.stringify({
            address: 'Rue de Rivoli, Paris',
            local_time: '2025-07-02 09:00',
          }),
        },
      }),
      { Authorization: member.token }
    )

    assert.include(systemMessage(), 'Rue de Rivoli, Paris')
    assert.include(systemMessage(), '2025-07-02 09:00')
  })
})
