import { test } from '@japa/runner'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import type Organization from '#models/organization'
import ImportAiEngineData from '#actions/ai_code/import_ai_engine_data'
import RunSync from '#actions/sync/run_sync'
import { repositoryComposition } from '#services/ai_code/composition'
import { writeSignalFacts } from '#services/ai_code/signal_facts'
import { publicIds } from '#services/public_id'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { WebClient } from '#tests/helpers/web_client'
import { randomUUID } from 'node:crypto'
import { saveAiCodePolicy } from '#tests/helpers/ai_code_policy'
import { processQueueUntil } from '#tests/helpers/queue'
import {
  connectInstallation,
  deliver,
  deliveryStatus,
  startGitHub,
} from '#plugins/github/tests/testbed'
import { pullRequestEvent } from '#plugins/github/tests/payloads'
import type { FakeGitHub } from '#plugins/github/tests/fake_github/server'

/**
 * Built-in signals as line facts (docs/ai_code.md): a commit a coding
 * agent's own identity authored, or one of a pull request whose body
 * carries an agent's marker, has the lines it added counted as AI, the
 * weakest source, with its evidence; a stronger source that says
 * otherwise wins and the disagreement shows. Read through the GitHub
 * plugin's sync from fake GitHub (the real wire format, patches and all).
 */
const added = (count: number, from = 1) =>
  [
    `@@ -0,0 +${from},${count} @@`,
    ...Array.from({ length: count }, (_, i) => `+line ${i + 1}`),
  ].join('\n')

test.group('AI code | built-in signals as line facts', (group) => {
  const INSTALLATION = 9401
  let github: FakeGitHub
  group.setup(async () => {
    github = await startGitHub()
    github.addInstallation({ id: INSTALLATION, account: { login: 'acme', type: 'Organization' } })
    github.addRepository(INSTALLATION, { name: 'rockets' })
    return () => github.stop()
  })
  group.each.setup(resetDatabase())

  async function synced(tasks: string[]) {
    const account = await createAccount({ role: 'admin' })
    const organization = account.organization as Organization
    const connection = await connectInstallation(organization, INSTALLATION)
    await new RunSync().execute({ connection, tasks: ['repositories'], trigger: 'cli' })
    await db.from('repositories').update({ monitored: true })
    github.resetRequests()
    const [outcome] = await new RunSync().execute({ connection, tasks, trigger: 'cli' })
    const repository = await db
      .from('repositories')
      .where('organization_id', organization.id)
      .where('full_name', 'acme/rockets')
      .firstOrFail()
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    return {
      organization,
      connection,
      outcome,
      repositoryId: Number(repository.id),
      web,
      base: `/ai-code/repositories/${publicIds('repository').encode(Number(repository.id))}`,
    }
  }

  const fileOf = async (organizationId: number, repositoryId: number, path: string) =>
    (await repositoryComposition(organizationId, repositoryId))!.files.find(
      (file) => file.path === path
    )

  test("a commit copilot-swe-agent[bot] authored has the lines it added counted as AI, with evidence 'author copilot-swe-agent[bot]'", async ({
    assert,
  }) => {
    const bot = github.addCommit('acme/rockets', {
      message: 'Add the fuel gauge',
      authorLogin: 'copilot-swe-agent[bot]',
      files: [
        { filename: 'src/gauge.ts', status: 'added', patch: added(12) },
        {
          filename: 'src/engine.ts',
          status: 'modified',
          patch: '@@ -10,3 +10,5 @@\n context\n-old\n+new one\n+new two\n context\n+new three',
        },
      ],
    })
    const human = github.addCommit('acme/rockets', {
      message: 'A human change',
      authorLogin: 'grace',
      files: [{ filename: 'src/human.ts', status: 'added', patch: added(5) }],
    })
    const { organization, outcome, repositoryId, web, base } = await synced(['commits'])
    assert.equal(outcome.status, 'succeeded', outcome.error ?? '')

    const gauge = await fileOf(organization.id, repositoryId, 'src/gauge.ts')
    assert.deepInclude(gauge, { ai: 12, human: 0, disagreements: 0 })
    assert.deepEqual(gauge!.sources, ['trailer'])
    assert.deepEqual(gauge!.agents, ['copilot'])
    // only the added lines of a modified file: 11–12 and 14
    const engine = await db
      .from('ai_code_facts')
      .where('commit_sha', bot)
      .where('path', 'src/engine.ts')
      .orderBy('start_line')
    assert.deepEqual(
      engine.map((fact) => [fact.start_line, fact.end_line, fact.origin, fact.evidence]),
      [
        [11, 12, 'ai', 'author copilot-swe-agent[bot]'],
        [14, 14, 'ai', 'author copilot-swe-agent[bot]'],
      ]
    )
    assert.lengthOf(await db.from('ai_code_facts').where('commit_sha', human), 0)
    // the human commit's diff was never asked for
    assert.isFalse(github.requests.some((request) => request.path.endsWith(`/commits/${human}`)))

    const page = await web.get(`${base}/lines?path=src/gauge.ts`)
    assert.equal(page.status, 200)
    assert.include(page.text, 'author copilot-swe-agent[bot]')
    assert.include(page.text, 'built-in signal')
    const signals = await web.get(base)
    assert.include(signals.text, 'author copilot-swe-agent[bot]')
  }).timeout(90_000)

  test("a human's commit that Cursor's agent committed has its added lines counted as AI, with evidence 'committed by Cursor Agent <cursoragent@cursor.com>'", async ({
    assert,
  }) => {
    const sha = github.addCommit('acme/rockets', {
      message: 'Tidy the thrusters',
      authorLogin: 'grace',
      committer: { login: null, name: 'Cursor Agent', email: 'cursoragent@cursor.com' },
      files: [{ filename: 'src/thrusters.ts', status: 'added', patch: added(7) }],
    })
    const { organization, outcome, repositoryId, web, base } = await synced(['commits'])
    assert.equal(outcome.status, 'succeeded', outcome.error ?? '')

    const commit = await db.from('commits').where('sha', sha).firstOrFail()
    assert.deepEqual(
      [commit.author_login, commit.committer_name, commit.committer_email],
      ['grace', 'Cursor Agent', 'cursoragent@cursor.com']
    )
    const facts = await db.from('ai_code_facts').where('commit_sha', sha)
    assert.deepEqual(
      facts.map((fact) => [fact.path, fact.start_line, fact.end_line, fact.agent, fact.evidence]),
      [['src/thrusters.ts', 1, 7, 'cursor', 'committed by Cursor Agent <cursoragent@cursor.com>']]
    )
    const file = await fileOf(organization.id, repositoryId, 'src/thrusters.ts')
    assert.deepInclude(file, { ai: 7, human: 0 })
    const signals = await web.get(base)
    assert.include(signals.text, 'committed by Cursor Agent')
  }).timeout(90_000)

  test("a pull request whose body carries Claude Code's marker has its commits' added lines counted as AI, with the marker as evidence", async ({
    assert,
  }) => {
    const pull = github.addPullRequest('acme/rockets', {
      title: 'Tune the thrust',
      body: 'Tunes the thrust curve.\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)',
      commits: 2,
    })
    const plain = github.addPullRequest('acme/rockets', {
      title: 'A plain change',
      body: 'Nothing generated here.',
      commits: 1,
    })
    const { organization, connection, outcome, repositoryId, web, base } = await synced([
      'pull_requests',
    ])
    assert.equal(outcome.status, 'succeeded', outcome.error ?? '')

    const stored = await db
      .from('pull_requests')
      .where('organization_id', organization.id)
      .where('number', pull.number)
      .firstOrFail()
    assert.equal(
      stored.ai_marker,
      '🤖 Generated with [Claude Code](https://claude.com/claude-code)',
      'only the marker line is kept'
    )
    const shas: string[] = JSON.parse(stored.commit_shas)
    assert.lengthOf(shas, 2)
    for (const sha of shas) {
      const facts = await db.from('ai_code_facts').where('commit_sha', sha)
      assert.lengthOf(facts, 1, `commit ${sha} has its added lines`)
      assert.deepInclude(facts[0], {
        source: 'trailer',
        origin: 'ai',
        start_line: 1,
        end_line: 10,
        agent: 'claude',
      })
      assert.include(
        facts[0].evidence,
        `pull request #${pull.number}: 🤖 Generated with [Claude Code]`
      )
      const file = await fileOf(organization.id, repositoryId, facts[0].path)
      assert.deepInclude(file, { ai: 10, human: 0 })
    }
    const unmarked = await db
      .from('pull_requests')
      .where('organization_id', organization.id)
      .where('number', plain.number)
      .firstOrFail()
    assert.isNull(unmarked.ai_marker)
    const plainShas: string[] = JSON.parse(unmarked.commit_shas)
    assert.lengthOf(await db.from('ai_code_facts').whereIn('commit_sha', plainShas), 0)

    const page = await web.get(`${base}/pull-requests/${pull.number}`)
    assert.equal(page.status, 200)
    assert.include(page.text, 'built-in signal')
    assert.include(page.text, `pull request #${pull.number}: 🤖 Generated with [Claude Code]`)

    // read again in full, nothing is rewritten
    const before = await db.from('ai_code_facts').orderBy('id').select('id')
    await new RunSync().execute({
      connection,
      tasks: ['pull_requests'],
      trigger: 'cli',
      full: true,
    })
    assert.deepEqual(await db.from('ai_code_facts').orderBy('id').select('id'), before)

    // the marker edited away: its commits' lines lose the signal
    pull.body = 'Tunes the thrust curve.'
    pull.updatedAt += 60
    await new RunSync().execute({ connection, tasks: ['pull_requests'], trigger: 'cli' })
    assert.lengthOf(await db.from('ai_code_facts').whereIn('commit_sha', shas), 0)
  }).timeout(90_000)

  test("an analyzer's human label over the same lines wins, and the signal's disagreement shows with its evidence", async ({
    assert,
  }) => {
    const bot = github.addCommit('acme/rockets', {
      message: 'Add the valve',
      authorLogin: 'copilot-swe-agent[bot]',
      files: [{ filename: 'src/valve.ts', status: 'added', patch: added(20) }],
    })
    const { organization, repositoryId, web, base } = await synced(['commits'])
    const file = join(await mkdtemp(join(tmpdir(), 'ai-signals-')), 'output.jsonl')
    await writeFile(
      file,
      JSON.stringify({
        repository: 'acme/rockets',
        commit: bot,
        path: 'src/valve.ts',
        start_line: 1,
        end_line: 20,
        label: 'human',
        probability: 0.9,
        engine: 'gaid',
        engine_version: '2.1.0',
      })
    )
    await new ImportAiEngineData().execute({ organizationId: organization.id, path: file })

    const valve = await fileOf(organization.id, repositoryId, 'src/valve.ts')
    assert.deepInclude(valve, { ai: 0, human: 20, disagreements: 20 })
    const page = await web.get(`${base}/lines?path=src/valve.ts`)
    assert.include(page.text, 'Disagreement: built-in signal: ai (author copilot-swe-agent[bot])')
    const gbom = await db
      .from('ai_code_gbom_files')
      .where('organization_id', organization.id)
      .where('path', 'src/valve.ts')
      .firstOrFail()
    assert.include(gbom.component, '"sextant:genai:source","value":"trailer"')
  }).timeout(90_000)

  test("another organisation's store writes no signal about a repository that is not its own", async ({
    assert,
  }) => {
    const bot = github.addCommit('acme/rockets', {
      message: 'Add the pump',
      authorLogin: 'devin-ai-integration[bot]',
      files: [{ filename: 'src/pump.ts', status: 'added', patch: added(8) }],
    })
    const { organization, repositoryId } = await synced(['commits'])
    const before = await db.from('ai_code_facts').where('commit_sha', bot)
    assert.lengthOf(before, 1)
    assert.equal(before[0].evidence, 'author devin-ai-integration[bot]')

    const other = (await createAccount({ role: 'admin' })).organization as Organization
    assert.notEqual(other.id, organization.id)
    assert.equal(await writeSignalFacts(other.id, repositoryId, [bot]), 0)
    const after = await db.from('ai_code_facts').where('commit_sha', bot)
    assert.deepEqual(
      after.map((fact) => [fact.id, fact.organization_id]),
      before.map((fact) => [fact.id, organization.id])
    )
  }).timeout(90_000)

  test("a webhook's pull request that Copilot coding agent's marker carries: its commits' lines are signalled and the policy counts them as AI-assisted, with the marker", async ({
    assert,
  }) => {
    const account = await createAccount({ role: 'admin' })
    const organization = account.organization as Organization
    await connectInstallation(organization, INSTALLATION)
    await saveAiCodePolicy(organization.id, { enabled: true, maxAiSharePercent: 50 })
    const pull = github.addPullRequest('acme/rockets', {
      body: 'Adds retries.\n\n<!-- START COPILOT CODING AGENT SUFFIX -->\n\n- Fixes #7',
      commits: 2,
    })
    const id = randomUUID()
    const response = await deliver(
      'pull_request',
      pullRequestEvent(github, {
        action: 'opened',
        repository: 'acme/rockets',
        number: pull.number,
        installationId: INSTALLATION,
      }),
      { id }
    )
    assert.equal(response.status, 202)
    await processQueueUntil(async () => (await deliveryStatus(id)) === 'processed')

    const stored = await db
      .from('pull_requests')
      .where('organization_id', organization.id)
      .where('number', pull.number)
      .firstOrFail()
    assert.equal(stored.ai_marker, '<!-- START COPILOT CODING AGENT SUFFIX -->')
    const facts = await db
      .from('ai_code_facts')
      .where('organization_id', organization.id)
      .whereIn('commit_sha', JSON.parse(stored.commit_shas))
    assert.lengthOf(facts, 2)
    assert.isTrue(facts.every((fact) => fact.agent === 'copilot' && fact.origin === 'ai'))
    const run = github.checkRuns.find((candidate) => candidate.head_sha === pull.headSha)!
    assert.equal(run.conclusion, 'failure')
    // the summary names the marker as each commit's mark (Markdown's < > blanked)
    const summary = run.output?.summary ?? ''
    assert.include(summary, '100% of the')
    assert.include(summary, 'pull request:  !-- START COPILOT CODING AGENT SUFFIX --')
  }).timeout(90_000)
})
