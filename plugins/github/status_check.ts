import { db, isAiAssisted, parseTrailers, sqlTime, type ConnectionHandle } from '#plugin-sdk'
import { GitHubClient, GITHUB_HEADERS } from './client.js'
import { gitHubAppConfig } from './config.js'
import { evaluatePolicy, statusCheckSettings, type PullRequestFacts } from './policy.js'
import type * as GitHub from './types.js'

export const CHECK_NAME = 'Sextant'

export type CheckTarget = {
  repository: string
  pullNumber: number
  headSha: string
  additions: number
  deletions: number
  changedFiles: number
  /** the pull request's commits when the caller has them already */
  commits?: GitHub.Commit[]
}

type AiCommit = { sha: string; title: string; marks: string[] }

/**
 * Posts the "Sextant" check run on a pull request's head commit:
 * in_progress first, then completed with the policy's conclusion and a
 * Markdown summary. The row in github_check_runs remembers the check run
 * id, so a retried delivery completes the same check instead of adding
 * another; a failure is recorded there and rethrown, so the delivery is
 * retried and shows as failed in Admin → Webhooks.
 */
export async function runStatusCheck(connection: ConnectionHandle, target: CheckTarget) {
  const settings = statusCheckSettings(connection.config)
  if (!settings.enabled) return { posted: false as const }
  const row = await claimRow(connection.publicId, target)
  const http = await connection.client({
    headers: GITHUB_HEADERS,
    writeIntervalMs: gitHubAppConfig().writeIntervalMs,
  })
  const client = new GitHubClient(http)
  try {
    let checkRunId = row.check_run_id === null ? null : Number(row.check_run_id)
    if (checkRunId === null) {
      const created = await client.createCheckRun(target.repository, {
        name: CHECK_NAME,
        head_sha: target.headSha,
        status: 'in_progress',
        started_at: new Date().toISOString(),
        external_id: `${target.repository}#${target.pullNumber}`,
      })
      checkRunId = created.id
      await updateRow(row.id, { check_run_id: checkRunId, status: 'in_progress' })
    }
    const aiCommits = await readAiCommits(client, target)
    const facts: PullRequestFacts = {
      changedFiles: target.changedFiles,
      additions: target.additions,
      deletions: target.deletions,
      commits: aiCommits.total,
      aiAssistedCommits: aiCommits.marked.length,
    }
    const policy = evaluatePolicy(settings, facts)
    const conclusion = policy.passed ? 'success' : 'failure'
    await client.updateCheckRun(target.repository, checkRunId, {
      status: 'completed',
      conclusion,
      completed_at: new Date().toISOString(),
      output: {
        title: policy.passed
          ? 'Within policy'
          : `Policy not met: ${policy.reasons.length} finding(s)`,
        summary: checkSummary(facts, policy.reasons, aiCommits.marked),
      },
    })
    await updateRow(row.id, { status: 'completed', conclusion, last_error: null })
    return { posted: true as const, conclusion }
  } catch (error) {
    await updateRow(row.id, {
      status: 'failed',
      last_error: (error as Error).message.slice(0, 1000),
    })
    throw error
  }
}

async function claimRow(connectionPublicId: string, target: CheckTarget) {
  const key = {
    connection_public_id: connectionPublicId,
    repository_full_name: target.repository,
    head_sha: target.headSha,
  }
  const now = sqlTime()
  await db
    .table('github_check_runs')
    .insert({
      ...key,
      pull_number: target.pullNumber,
      status: 'pending',
      attempts: 0,
      created_at: now,
      updated_at: now,
    })
    .onConflict(['connection_public_id', 'repository_full_name', 'head_sha'])
    .ignore()
  await db.from('github_check_runs').where(key).increment('attempts', 1)
  return db.from('github_check_runs').where(key).firstOrFail()
}

function updateRow(id: number, values: Record<string, unknown>) {
  return db
    .from('github_check_runs')
    .where('id', id)
    .update({ ...values, updated_at: sqlTime() })
}

async function readAiCommits(client: GitHubClient, target: CheckTarget) {
  const commits: GitHub.Commit[] =
    target.commits ?? (await client.pullRequestCommits(target.repository, target.pullNumber))
  const marked: AiCommit[] = []
  for (const commit of commits) {
    const trailers = parseTrailers(commit.commit.message)
    if (!isAiAssisted(trailers)) continue
    marked.push({
      sha: commit.sha,
      title: commit.commit.message.split('\n')[0].slice(0, 120),
      marks: trailers.map((trailer) => `${trailer.key}: ${trailer.value}`),
    })
  }
  return { total: commits.length, marked }
}

/** Markdown for the check's summary; user-provided text is kept out of table syntax. */
export function checkSummary(facts: PullRequestFacts, reasons: string[], aiCommits: AiCommit[]) {
  const plain = (text: string) => text.replace(/[|`<>]/g, ' ')
  const share =
    facts.commits === 0 ? 0 : Math.round((facts.aiAssistedCommits / facts.commits) * 100)
  const lines = [
    reasons.length === 0
      ? "**Policy: passed.** This pull request is within the organisation's policy."
      : `**Policy: not met.**\n\n${reasons.map((reason) => `- ${reason}`).join('\n')}`,
    '',
    '| | |',
    '|---|---|',
    `| Changed files | ${facts.changedFiles} |`,
    `| Lines | +${facts.additions} / -${facts.deletions} |`,
    `| Commits | ${facts.commits} |`,
    `| AI-assisted commits | ${facts.aiAssistedCommits} of ${facts.commits} (${share}%) |`,
  ]
  if (aiCommits.length > 0) {
    lines.push('', '### AI-assisted commits', '')
    for (const commit of aiCommits.slice(0, 50)) {
      lines.push(
        `- \`${commit.sha.slice(0, 7)}\` ${plain(commit.title)} (${plain(commit.marks.join(', '))})`
      )
    }
    if (aiCommits.length > 50) lines.push(`- … and ${aiCommits.length - 50} more`)
  }
  return lines.join('\n')
}

export async function recentCheckRuns(connectionPublicId: string, limit = 10) {
  return db
    .from('github_check_runs')
    .where('connection_public_id', connectionPublicId)
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
}
