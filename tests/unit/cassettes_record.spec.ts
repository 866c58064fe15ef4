import { test } from '@japa/runner'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CASSETTES_DIR,
  CassetteMismatch,
  useCassette,
  type CassetteFile,
} from '#tests/helpers/cassettes'
import { projectRoot, runNode } from '#tests/helpers/processes'
import {
  startFakeModelServer,
  type FakeModelServer,
} from '../../plugins/noa/tests/fake_model/fake_model_server.js'

/**
 * Record mode of the cassettes (issue #25): a recording forwards to the
 * model server and writes what it answered; replaying that file gives
 * the same answers, and a changed request fails with a diff. Recordings
 * here go to a temporary CASSETTE_DIR, never over a committed cassette.
 */

const NAME = 'insights/halved_deployments'
const COMMITTED = join(CASSETTES_DIR, `${NAME}.json`)

/** runs `body` with these variables set, then puts the environment back */
async function withEnv<T>(vars: Record<string, string | undefined>, body: () => Promise<T>) {
  const before = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]))
  for (const [key, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  try {
    return await body()
  } finally {
    for (const [key, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  }
}

function chat(url: string, body: unknown) {
  return fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'authorization': 'Bearer sk-test-key-1234' },
    body: JSON.stringify(body),
  })
}

/**
 * The re-record command docs/testing.md gives (the first `sh` block
 * after "Re-recording is one command"), as variables and arguments: a
 * shell-like split (backslash continuations, double quotes).
 */
function documentedCommand() {
  const doc = readFileSync(join(projectRoot, 'docs/testing.md'), 'utf8')
  const after = doc.slice(doc.indexOf('Re-recording is one command'))
  const block = /```sh\n([\s\S]*?)```/.exec(after)
  if (!block) throw new Error('docs/testing.md gives no re-record command')
  const line = block[1].replace(/\\\n\s*/g, ' ').trim()
  // a word is unquoted text and "quoted text" run together (--tests="a b c")
  const words = [...line.matchAll(/(?:[^\s"]+|"[^"]*")+/g)].map((match) =>
    match[0].replaceAll('"', '')
  )
  const env: Record<string, string> = {}
  while (/^[A-Z_]+=/.test(words[0] ?? '')) {
    const [key, ...value] = words.shift()!.split('=')
    env[key] = value.join('=')
  }
  return { line, env, args: words }
}

test.group('Cassettes | record mode', (group) => {
  let fake: FakeModelServer
  let dir: string
  group.setup(async () => {
    fake = await startFakeModelServer()
    return () => fake.close()
  })
  group.each.setup(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cassettes-'))
    return () => rm(dir, { recursive: true, force: true })
  })

  test('recording against the fake model server writes its answers, without the key; replaying the file gives them back', async ({
    assert,
  }) => {
    fake.setChatReply('Recorded in a temporary directory.')
    const request = {
      model: 'fake-chat',
      temperature: 0,
      messages: [{ role: 'user', content: 'Why did deployments halve?' }],
    }

    await withEnv(
      { CASSETTE_RECORD: '1', CASSETTE_DIR: dir, CASSETTE_UPSTREAM: undefined },
      async () => {
        const tape = await useCassette('insights/recorded_here', { upstream: fake.baseUrl })
        assert.isTrue(tape.recording)
        const answer = await chat(tape.baseUrl, request)
        assert.equal(answer.status, 200)
        await tape.eject()
      }
    )

    // the model server was asked, through the cassette
    assert.lengthOf(fake.requests, 1)
    assert.equal(fake.requests[0].path, '/v1/chat/completions')
    const file = join(dir, 'insights/recorded_here.json')
    const written = JSON.parse(readFileSync(file, 'utf8')) as CassetteFile
    assert.equal(written.recordedAgainst, 'the test fake')
    assert.lengthOf(written.interactions, 1)
    assert.deepEqual(written.interactions[0].request, {
      method: 'POST',
      path: '/v1/chat/completions',
      body: request,
    })
    assert.equal(written.interactions[0].response.status, 200)
    assert.notInclude(readFileSync(file, 'utf8'), 'sk-test-key-1234', 'no key in a cassette')
    assert.isFalse(existsSync(join(CASSETTES_DIR, 'insights/recorded_here.json')))

    // replay: the fake is not asked again, the recorded answer comes back
    fake.reset()
    await withEnv({ CASSETTE_RECORD: undefined, CASSETTE_DIR: dir }, async () => {
      const tape = await useCassette('insights/recorded_here')
      assert.isFalse(tape.recording)
      const replayed = await chat(tape.baseUrl, request)
      assert.deepEqual(await replayed.json(), written.interactions[0].response.body)
      await tape.eject()
    })
    assert.lengthOf(fake.requests, 0)
    const body = written.interactions[0].response.body as any
    assert.equal(body.choices[0].message.content, 'Recorded in a temporary directory.')
  })

  test('a request changed after recording fails the replay with a diff of the recorded line against the sent one', async ({
    assert,
  }) => {
    const request = (question: string) => ({
      model: 'fake-chat',
      messages: [{ role: 'user', content: `Line one.\nQuestion: ${question}\nLine three.` }],
    })
    await withEnv({ CASSETTE_RECORD: '1', CASSETTE_DIR: dir }, async () => {
      const tape = await useCassette('insights/changed', { upstream: fake.baseUrl })
      await chat(tape.baseUrl, request('what changed?'))
      await tape.eject()
    })

    const error = await withEnv({ CASSETTE_RECORD: undefined, CASSETTE_DIR: dir }, async () => {
      const tape = await useCassette('insights/changed')
      const answer = await chat(tape.baseUrl, request('what changed, in French?'))
      assert.equal(answer.status, 599)
      return tape.eject().then(
        () => null,
        (failure: unknown) => failure
      )
    })
    assert.instanceOf(error, CassetteMismatch)
    const message = (error as Error).message
    assert.include(message, 'recorded (-) against sent (+)')
    assert.match(message, /^- +Question: what changed\?\\n$/m)
    assert.match(message, /^\+ +Question: what changed, in French\?\\n$/m)
    // the lines around it are the same in both: context, not differences
    assert.match(message, /^ {2} +"content": "Line one\.\\n$/m)
    assert.match(message, /^ {2} +Line three\.",$/m)
  })

  test('the re-record command of docs/testing.md records the committed cassette as it is: the recording replays, and a changed prompt fails it with a diff', async ({
    assert,
  }) => {
    const command = documentedCommand()
    assert.deepEqual(command.env, { CASSETTE_RECORD: '1' }, command.line)
    assert.deepEqual(command.args.slice(0, 3), ['node', 'ace', 'test'], command.line)
    const committed = readFileSync(COMMITTED, 'utf8')

    // the documented command, as written, recording into the temporary directory
    const run = await runNode(
      ['ace.js', ...command.args.slice(2)],
      { ...command.env, CASSETTE_DIR: dir, CASSETTE_UPSTREAM: undefined },
      240_000
    )
    const output = run.stdout + run.stderr
    assert.equal(run.code, 0, output)
    assert.match(output, /Tests\s+1 passed \(1\)/, 'the one test the command names ran')

    const recorded = readFileSync(join(dir, `${NAME}.json`), 'utf8')
    assert.equal(readFileSync(COMMITTED, 'utf8'), committed, 'the committed cassette is untouched')
    // against the spec's own fake, a re-recording is the committed cassette (but for the clock)
    const withoutClock = (text: string) => {
      const cassette = JSON.parse(text) as CassetteFile
      for (const { response } of cassette.interactions) delete (response.body as any).created
      return cassette
    }
    assert.deepEqual(withoutClock(recorded), withoutClock(committed))

    const file = JSON.parse(recorded) as CassetteFile
    const [interaction] = file.interactions
    await withEnv({ CASSETTE_RECORD: undefined, CASSETTE_DIR: dir }, async () => {
      const tape = await useCassette(NAME)
      const answer = await chat(tape.baseUrl, interaction.request.body)
      assert.deepEqual(await answer.json(), interaction.response.body)
      await tape.eject()

      const changed = structuredClone(interaction.request.body) as any
      changed.messages[0].content += ' Be brief.'
      const again = await useCassette(NAME)
      assert.equal((await chat(again.baseUrl, changed)).status, 599)
      await assert.rejects(() => again.eject(), /recorded \(-\) against sent \(\+\)/)
    })
  }).timeout(300_000)
})
