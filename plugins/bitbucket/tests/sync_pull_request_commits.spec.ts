import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RunSync from '#actions/sync/run_sync'
import { withEnv } from '#plugin-sdk/testing'
import { createOrganization } from '#tests/helpers/factories'
import { seedWorkspace, sha } from './fake_bitbucket/seed.js'
import type { FakeCommit } from './fake_bitbucket/state.js'
import { oauthConnection, useFakeBitbucket } from './testbed.js'
import { PULL_REQUEST_COMMITS_PER_PAGE } from '../client.js'

const CLAUDE_MARKER = '🤖 Generated with [Claude Code](https://claude.com/claude-code)'
/** more than the 250 commits the sync once stopped at: six pages of 50 */
const COMMITS = 260

/** a diff adding `lines` lines to a new file at `path` */
function addedFile(path: string, lines: number) {
  return [
    `diff --git a/${path} b/${path}`,
    'new file mode 100644',
    '--- /dev/null',
    `+++ b/${path}`,
    `@@ -0,0 +1,${lines} @@`,
    ...Array.from({ length: lines }, (_, index) => `+export const line${index} = ${index}`),
    '',
  ].join('\n')
}

/**
 * Every commit of a pull request is read (GET …/pullrequests/{id}/commits,
 * page after page by `next` link), however many it has.
 */
test.group('Bitbucket | sync | pull request commits', (group) => {
  const fakeBitbucket = useFakeBitbucket(group)

  test("a marked pull request of more than 250 commits: every page is read, the oldest commit's added lines are AI", async ({
    assert,
    cleanup,
  }) => {
    const bitbucket = fakeBitbucket()
    cleanup(withEnv({ BITBUCKET_PR_DETAIL_DAYS: '3650' }))
    seedWorkspace(bitbucket.state, 'acme', 1, 1)
    const connection = await oauthConnection(bitbucket, await createOrganization())
    const pull = bitbucket.state.repositories.get('acme/repo-00')!.pullRequests[0]
    pull.summary.raw = `Grows the parser.\n\n${CLAUDE_MARKER}`
    pull.description = pull.summary.raw
    const [head] = pull.commits!
    // newest first, as Bitbucket lists them; each the child of the next
    const commits: FakeCommit[] = Array.from({ length: COMMITS }, (_, index) => ({
      hash: index === 0 ? head.hash : sha(`long#${index}`),
      message: `Parser step ${COMMITS - index}`,
      date: new Date(Date.parse('2026-05-01T00:00:00Z') - index * 60_000).toISOString(),
      author: head.author,
      raw: head.raw,
      parents: [{ hash: sha(`long#${index + 1}`), type: 'commit' as const }],
    }))
    const oldest = commits[COMMITS - 1]
    oldest.diff = addedFile('src/first_step.ts', 3)
    pull.commits = commits

    const [run] = await new RunSync().execute({
      connection,
      tasks: ['repositories', 'pull_requests'],
      trigger: 'cli',
    })
    assert.equal(run.status, 'succeeded', run.error ?? '')

    const facts = await db.from('ai_code_facts').where('commit_sha', oldest.hash)
    assert.deepEqual(
      facts.map((fact) => [fact.path, fact.start_line, fact.end_line, fact.origin, fact.agent]),
      [['src/first_step.ts', 1, 3, 'ai', 'claude']]
    )
    assert.equal(facts[0].evidence, `pull request #1: ${CLAUDE_MARKER}`)
    const row = await db.from('pull_requests').where('number', 1).firstOrFail()
    assert.equal(row.commits_count, COMMITS)
    assert.deepEqual(
      JSON.parse(row.commit_shas),
      commits.map((commit) => commit.hash)
    )
    const pages = bitbucket.state.requests.filter((request) =>
      request.path.startsWith('/2.0/repositories/acme/repo-00/pullrequests/1/commits')
    )
    assert.lengthOf(pages, Math.ceil(COMMITS / PULL_REQUEST_COMMITS_PER_PAGE))
  }).timeout(90_000)
})
