import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import type Organization from '#models/organization'
import EvaluatePullRequestPolicy from '#actions/ai_code/evaluate_pull_request_policy'
import ImportAiEngineData from '#actions/ai_code/import_ai_engine_data'
import { writeGitAiNotes } from '#services/ai_code/git_ai_note_facts'
import { factChanges } from '#services/ai_code/fact_changes'
import ApplyAiFactChanges from '#actions/ai_code/apply_ai_fact_changes'
import { sqlTime } from '#services/sql'
import { resetDatabase } from '#tests/helpers/database'
import { createAccount } from '#tests/helpers/accounts'
import { processQueueUntil } from '#tests/helpers/queue'
import { WebClient } from '#tests/helpers/web_client'
import type { FakeGitHub } from '#plugins/github/tests/fake_github/server'
import {
  connectInstallation,
  deliver,
  deliveryStatus,
  startGitHub,
} from '#plugins/github/tests/testbed'
import { pullRequestEvent } from '#plugins/github/tests/payloads'

/**
 * Developers attest the chunks of a pull request (Pure, Blended,
 * NotGenAI); the policy can require an attestation of every chunk
 * labelled AI or blended: the check run fails listing the unattested
 * chunks and the attestation page, and attesting them turns it green.
 */
const INSTALLATION = 9201

test.group('AI code | attestations and the policy that requires them', (group) => {
  let github: FakeGitHub
  group.setup(async () => {
    github = await startGitHub()
    github.addInstallation({ id: INSTALLATION, account: { login: 'acme', type: 'Organization' } })
    github.addRepository(INSTALLATION, { name: 'rockets' })
    return () => github.stop()
  })
  group.each.setup(resetDatabase())

  /** an admin who saved the policy, a GitHub installation, an open pull request with an AI chunk */
  async function pullRequestWithAiChunk(policy: Record<string, string>, withChunk = true) {
    const account = await createAccount({ role: 'admin' })
    const organization = account.organization as Organization
    const web = new WebClient()
    await web.signIn(account.email, account.password, account.totpSecret!)
    await web.get('/settings/ai-code-policy')
    await web.post('/settings/ai-code-policy', policy)
    await connectInstallation(organization, INSTALLATION, {})
    const pull = github.addPullRequest('acme/rockets', { additions: 10, deletions: 0 })
    const id = randomUUID()
    await deliver(
      'pull_request',
      pullRequestEvent(github, {
        action: 'opened',
        repository: 'acme/rockets',
        number: pull.number,
        installationId: INSTALLATION,
      }),
      { id }
    )
    await processQueueUntil(async () => (await deliveryStatus(id)) === 'processed')
    const row = await db
      .from('pull_requests')
      .where('organization_id', organization.id)
      .where('number', pull.number)
      .firstOrFail()
    const [sha] = JSON.parse(row.commit_shas) as string[]
    // an analyzer labelled 12 lines of the pull request's commit AI
    if (withChunk)
      await db.table('ai_code_facts').insert({
        organization_id: organization.id,
        repository_id: row.repository_id,
        source: 'analyzer',
        commit_sha: sha,
        path: 'src/engine.ts',
        start_line: 3,
        end_line: 14,
        origin: 'ai',
        language: 'TypeScript',
        probability: 0.9,
        evidence: 'gaid 2.1.0',
        created_at: sqlTime(),
        updated_at: sqlTime(),
      })
    await new EvaluatePullRequestPolicy().execute({
      organizationId: organization.id,
      pullRequestId: row.id,
      again: true,
    })
    const runs = () => github.checkRuns.filter((run) => run.head_sha === pull.headSha)
    return { web, organization, pull, row, runs, sha }
  }

  test('an unattested AI chunk fails the check, naming it and the attestation page; attesting it turns it green', async ({
    assert,
  }) => {
    const { web, row, runs } = await pullRequestWithAiChunk({
      enabled: 'true',
      requireAttestation: 'true',
    })
    const failed = runs().at(-1)!
    assert.equal(failed.conclusion, 'failure')
    const summary = failed.output?.summary ?? ''
    assert.include(summary, '1 AI or blended chunk(s) not attested')
    assert.include(summary, '`src/engine.ts` lines 3–14 (ai)')
    const link = /Attest them: (\S+)/.exec(summary)![1]
    const path = new URL(link).pathname
    assert.match(path, /^\/ai-code\/repositories\/[^/]+\/pull-requests\/\d+$/)
    assert.notInclude(path, `/${row.repository_id}/`)

    const page = await web.get(path)
    assert.equal(page.status, 200)
    assert.include(page.text, 'src/engine.ts')
    const chunk = /name="chunk" value="([^"]+)"/.exec(page.text)![1]
    const attested = await web.post(path, { chunk, verdict: 'NotGenAI' })
    assert.equal(attested.status, 302)

    assert.equal(runs().at(-1)!.conclusion, 'success')
    const facts = await db.from('ai_code_facts').where('source', 'attestation')
    assert.lengthOf(facts, 1)
    assert.deepInclude(facts[0], { origin: 'human', start_line: 3, end_line: 14 })
    const gbom = await db.from('ai_code_gboms').where('repository_id', row.repository_id).first()
    assert.deepInclude(gbom, { ai_lines: 0, human_lines: 12 })

    const list = await web.get('/ai-code/attestations')
    assert.include(list.text, 'NotGenAI')
    assert.include(list.text, 'acme/rockets #')
    const show = /href="(\/ai-code\/attestations\/[^"]+)"/.exec(list.text)![1]
    const one = await web.get(show)
    assert.equal(one.status, 200)
    assert.include(one.text, 'Attestation: NotGenAI')
    assert.include(one.text, '3–14')
  }).timeout(90_000)

  test('without the requirement, the same unattested chunk does not fail the check', async ({
    assert,
  }) => {
    const { runs } = await pullRequestWithAiChunk({ enabled: 'true' })
    assert.equal(runs().at(-1)!.conclusion, 'success')
    assert.include(runs().at(-1)!.output?.summary ?? '', 'Chunks awaiting attestation')
  }).timeout(90_000)

  test('a verdict that is not Pure, Blended or NotGenAI is refused inline and nothing is written; a made-up chunk is a 404', async ({
    assert,
  }) => {
    const { web, runs } = await pullRequestWithAiChunk({
      enabled: 'true',
      requireAttestation: 'true',
    })
    const link = /Attest them: (\S+)/.exec(runs().at(-1)!.output?.summary ?? '')![1]
    const path = new URL(link).pathname
    const page = await web.get(path)
    const chunk = /name="chunk" value="([^"]+)"/.exec(page.text)![1]
    const refused = await web.post(path, { chunk, verdict: 'Mostly' })
    assert.equal(refused.status, 302)
    assert.include((await web.get(path)).text, 'field-error')
    const missing = await web.post(path, { chunk: 'zzzzzz', verdict: 'Pure' })
    assert.equal(missing.status, 404)
    assert.lengthOf(await db.from('ai_code_facts').where('source', 'attestation'), 0)
    assert.equal(runs().at(-1)!.conclusion, 'failure')
  }).timeout(90_000)

  /** a member of the organisation, signed in, and the path of the pull request's attestation page */
  async function memberOnPage(
    organization: Organization,
    runs: () => Array<{ output?: { summary?: string } | null }>,
    email?: string
  ) {
    const member = await createAccount({ role: 'member', organization, email })
    const web = new WebClient()
    await web.signIn(member.email, member.password, member.totpSecret!)
    const link = /Attest them: (\S+)/.exec(runs().at(-1)!.output?.summary ?? '')![1]
    const path = new URL(link).pathname
    const page = await web.get(path)
    const chunk = /name="chunk" value="([^"]+)"/.exec(page.text)![1]
    return { web, path, chunk, member }
  }

  test("a developer cannot attest another developer's lines: 403 with the reason, nothing written", async ({
    assert,
  }) => {
    const { organization, runs } = await pullRequestWithAiChunk({
      enabled: 'true',
      requireAttestation: 'true',
    })
    const { web, path, chunk } = await memberOnPage(organization, runs)
    const refused = await web.post(path, { chunk, verdict: 'NotGenAI' })
    assert.equal(refused.status, 403)
    assert.include(refused.text, 'You may attest only your own lines')
    assert.lengthOf(await db.from('ai_code_facts').where('source', 'attestation'), 0)
    assert.equal(runs().at(-1)!.conclusion, 'failure')
  }).timeout(90_000)

  test('a developer attests the lines of their own commit', async ({ assert }) => {
    const { organization, runs, row, sha } = await pullRequestWithAiChunk({
      enabled: 'true',
      requireAttestation: 'true',
    })
    const email = `author.${randomUUID()}@example.org`
    await db
      .from('commits')
      .where('organization_id', organization.id)
      .where('repository_id', row.repository_id)
      .where('sha', sha)
      .update({ author_email: email.toUpperCase() })
    const { web, path, chunk } = await memberOnPage(organization, runs, email)
    const attested = await web.post(path, { chunk, verdict: 'Pure' })
    assert.equal(attested.status, 302)
    assert.lengthOf(await db.from('ai_code_facts').where('source', 'attestation'), 1)
    assert.equal(runs().at(-1)!.conclusion, 'success')
  }).timeout(90_000)

  test("an analyzer import that labels a pull request's commit AI checks the open pull request again", async ({
    assert,
  }) => {
    const { organization, runs, sha } = await pullRequestWithAiChunk(
      { enabled: 'true', requireAttestation: 'true' },
      false
    )
    assert.equal(runs().at(-1)!.conclusion, 'success')
    const folder = await mkdtemp(join(tmpdir(), 'ai-engine-'))
    const file = join(folder, 'output.jsonl')
    await writeFile(
      file,
      JSON.stringify({
        repository: 'acme/rockets',
        commit: sha,
        path: 'src/pump.ts',
        start_line: 1,
        end_line: 20,
        label: 'ai',
        probability: 0.97,
        engine: 'gaid',
        engine_version: '2.1.0',
      }) + '\n'
    )
    try {
      await new ImportAiEngineData().execute({ organizationId: organization.id, path: file })
    } finally {
      await rm(folder, { recursive: true, force: true })
    }
    const failed = runs().at(-1)!
    assert.equal(failed.conclusion, 'failure')
    assert.include(failed.output?.summary ?? '', '`src/pump.ts` lines 1–20 (ai)')
  }).timeout(90_000)

  test("a Git AI notes sync that labels a pull request's commit AI checks it again", async ({
    assert,
  }) => {
    const { organization, runs, row, sha } = await pullRequestWithAiChunk(
      { enabled: 'true', requireAttestation: 'true' },
      false
    )
    assert.equal(runs().at(-1)!.conclusion, 'success')
    await writeGitAiNotes(organization.id, row.repository_id, [
      {
        commit: sha,
        log: {
          files: [{ path: 'src/valve.ts', entries: [{ key: 'abc123', ranges: [[4, 9]] }] }],
          prompts: {
            abc123: {
              tool: 'claude',
              model: 'claude-sonnet-4',
              humanAuthor: null,
              acceptedLines: 6,
              overridenLines: 0,
            },
          },
        },
      },
    ])
    // what a notes sync's owner runs after the write (ApplyAiFactChanges)
    await new ApplyAiFactChanges().execute({
      organizationId: organization.id,
      changes: factChanges(row.repository_id, [sha]),
    })
    const failed = runs().at(-1)!
    assert.equal(failed.conclusion, 'failure')
    assert.include(failed.output?.summary ?? '', '`src/valve.ts` lines 4–9 (ai)')
  }).timeout(90_000)
})
