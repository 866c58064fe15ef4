import { isTokenConnection } from './personal_token.js'
import {
  HttpError,
  isAiAssisted,
  parseTrailers,
  type PluginStatusChecks,
  type StatusCheckReport,
  type StatusCheckTarget,
  type WebhookContext,
} from '#plugin-sdk'
import { GitHubClient, GITHUB_HEADERS } from './client.js'
import { gitHubAppConfig } from './config.js'
import { evaluatePolicy, statusCheckSettings, type PullRequestFacts } from './policy.js'
import type * as GitHub from './types.js'

/** the check's name on GitHub, and its key in the core's status checks */
export const CHECK_NAME = 'Sextant'
export const CHECK_KEY = 'sextant/ai-policy'

export type CheckTarget = {
  /** the pull request's GitHub id (the domain model's external id) */
  pullRequestId: string
  repository: string
  pullNumber: number
  additions: number
  deletions: number
  changedFiles: number
  /** the pull request's commits when the caller has them already */
  commits?: GitHub.Commit[]
}

type AiCommit = { sha: string; title: string; marks: string[] }

/**
 * The status-check capability with check runs: the first post of a key
 * on a commit creates a check run, later posts (the core passes back its
 * id as `existing`) update it. "pending" is an in_progress run; the other
 * states complete it with a conclusion.
 */
export const gitHubStatusChecks: PluginStatusChecks = {
  unsupportedReason: (connection) =>
    isTokenConnection(connection)
      ? 'a personal access token cannot post status checks: install the GitHub App'
      : null,
  async post(connection, target, report) {
    const http = await connection.client({
      headers: GITHUB_HEADERS,
      writeIntervalMs: gitHubAppConfig().writeIntervalMs,
    })
    const client = new GitHubClient(http)
    const body = checkRunWrite(target, report)
    const create = () =>
      client.createCheckRun(target.repositoryFullName, {
        name: report.name,
        head_sha: target.headSha,
        started_at: new Date().toISOString(),
        ...body,
      })
    const existing = target.existing?.externalId
    const run = existing
      ? await client
          .updateCheckRun(target.repositoryFullName, Number(existing), body)
          // a check run GitHub no longer has is posted afresh
          .catch((error) => {
            if (error instanceof HttpError && error.status === 404) return create()
            throw error
          })
      : await create()
    return { externalId: String(run.id), url: run.html_url }
  },
}

function checkRunWrite(target: StatusCheckTarget, report: StatusCheckReport): GitHub.CheckRunWrite {
  const output = { title: report.title, summary: report.summary ?? report.title }
  const common = {
    external_id: `${report.key}:${target.repositoryFullName}#${target.pullRequestNumber}`,
    ...(report.detailsUrl ? { details_url: report.detailsUrl } : {}),
    output,
  }
  if (report.state === 'pending') return { ...common, status: 'in_progress' }
  return {
    ...common,
    status: 'completed',
    // GitHub has no "error" conclusion: a check that could not run fails
    conclusion: report.state === 'success' ? 'success' : 'failure',
    completed_at: new Date().toISOString(),
  }
}

/**
 * The AI-code policy on a pull request's head commit, through the core's
 * status checks (which post through whichever connection hosts the
 * repository, record the outcome and retry a failure): "pending" first,
 * then the policy's verdict with a Markdown summary.
 */
export async function runStatusCheck(
  context: Pick<WebhookContext, 'statusChecks'> & { connection: WebhookContext['connection'] },
  target: CheckTarget
) {
  const connection = context.connection
  if (!connection) return { posted: false as const }
  const settings = statusCheckSettings(connection.config)
  if (!settings.enabled) return { posted: false as const }
  const report = { key: CHECK_KEY, name: CHECK_NAME }
  await context.statusChecks.post(target.pullRequestId, {
    ...report,
    state: 'pending',
    title: 'Checking the policy',
    summary: 'Sextant is reading the commits of this pull request.',
  })
  const client = new GitHubClient(await connection.client())
  const aiCommits = await readAiCommits(client, target)
  const facts: PullRequestFacts = {
    changedFiles: target.changedFiles,
    additions: target.additions,
    deletions: target.deletions,
    commits: aiCommits.total,
    aiAssistedCommits: aiCommits.marked.length,
  }
  const policy = evaluatePolicy(settings, facts)
  const outcome = await context.statusChecks.post(target.pullRequestId, {
    ...report,
    state: policy.passed ? 'success' : 'failure',
    title: policy.passed ? 'Within policy' : `Policy not met: ${policy.reasons.length} finding(s)`,
    summary: checkSummary(facts, policy.reasons, aiCommits.marked),
  })
  return { posted: true as const, passed: policy.passed, outcome }
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
