import { test } from '@japa/runner'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  CASSETTES_DIR,
  CassetteMismatch,
  useCassette,
  type CassetteFile,
} from '#tests/helpers/cassettes'
import { narrativePrompt } from '#services/insights/narrative_prompt'

/**
 * The record/replay layer for model calls (issue #25): a recorded
 * request gets its recorded answer, anything else fails the test with a
 * diff, so a prompt changed without re-recording cannot pass unnoticed.
 */

const NAME = 'insights/halved_deployments'

function recorded(): CassetteFile {
  return JSON.parse(readFileSync(join(CASSETTES_DIR, `${NAME}.json`), 'utf8'))
}

function post(url: string, body: unknown) {
  return fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'authorization': 'Bearer sk-anything' },
    body: JSON.stringify(body),
  })
}

test.group('Cassettes | replay', () => {
  test('a recorded request, its keys in any order, gets the recorded answer', async ({
    assert,
  }) => {
    const [interaction] = recorded().interactions
    const { messages, ...rest } = interaction.request.body as Record<string, unknown>
    const tape = await useCassette(NAME)
    const response = await post(tape.baseUrl, { messages, ...rest })
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), interaction.response.body)
    await tape.eject()
  })

  test('a changed prompt is answered 599 and fails the test with a diff of the recorded request against the sent one', async ({
    assert,
  }) => {
    const body = structuredClone(recorded().interactions[0].request.body) as any
    body.messages[0].content += ' Answer in French.'
    const tape = await useCassette(NAME)
    const response = await post(tape.baseUrl, body)
    assert.equal(response.status, 599)

    const error = await tape.eject().then(
      () => null,
      (failure: unknown) => failure
    )
    assert.instanceOf(error, CassetteMismatch)
    const message = (error as Error).message
    assert.include(message, 'POST /v1/chat/completions matches no recorded request')
    // one line of the prompt changed: the diff shows that line, recorded then sent
    assert.match(message, /^- +If the facts cannot explain the change, say so\.",$/m)
    assert.match(
      message,
      /^\+ +If the facts cannot explain the change, say so\. Answer in French\.",$/m
    )
    assert.notMatch(message, /^[-+] .*Use only the facts given/m)
    // the unchanged lines are context, not differences
    assert.match(message, /^ {2} +"model": "fake-chat",$/m)
    assert.include(message, 're-record: CASSETTE_RECORD=1')
  })

  test('a recorded request that is never sent fails the test too', async ({ assert }) => {
    const tape = await useCassette(NAME)
    await assert.rejects(() => tape.eject(), /1 recorded request\(s\) were never sent/)
  })

  test('a missing cassette says how to record it', async ({ assert }) => {
    await assert.rejects(() => useCassette('insights/never_recorded'), /CASSETTE_RECORD=1/)
  })
})

test.group('Cassettes | the narrative prompt', () => {
  test('the recorded narrative request is the prompt the code builds today (re-record when it changes)', ({
    assert,
  }) => {
    const body = recorded().interactions[0].request.body as { messages: unknown }
    const messages = narrativePrompt({
      metric: 'deployments',
      from: '2026-03-02',
      to: '2026-03-06',
      direction: 'down',
      value: 15,
      expected: 30,
      score: 5,
      summary:
        'Deployments were 50% below usual from 2026-03-02 to 2026-03-06 (15 against 30 on the same weekdays of earlier weeks).',
      repositories: [{ repository: 'acme/api', value: 5, expected: 20, change: -15 }],
    })
    assert.deepEqual(messages, body.messages)
  })
})
