import db from '@adonisjs/lucid/services/db'

/** the policy's status check: its name on the code host and its key in status_check_posts */
export const POLICY_CHECK_NAME = 'Sextant'
export const POLICY_CHECK_KEY = 'sextant/ai-policy'

/**
 * The organisation's AI-code policy: whether the "Sextant" status check
 * is posted on its pull requests (any code host), and the limits it
 * enforces. An empty limit is not enforced.
 */
export type AiCodePolicy = {
  enabled: boolean
  /** the share of AI-assisted commits above which the check fails (0–100) */
  maxAiSharePercent: number | null
  /** added plus deleted lines above which the check fails */
  maxChangedLines: number | null
  /** every chunk labelled AI or blended must be attested by a developer */
  requireAttestation: boolean
  /** where it comes from: the organisation's saved settings, or the default (off) */
  source: 'organization' | 'default'
}

const OFF: AiCodePolicy = {
  enabled: false,
  maxAiSharePercent: null,
  maxChangedLines: null,
  requireAttestation: false,
  source: 'default',
}

const limit = (value: unknown) =>
  value === null || value === undefined || value === '' ? null : Number(value)

/** The organisation's policy, fenced to it. */
export async function organizationPolicy(organizationId: number): Promise<AiCodePolicy> {
  const row = await db.from('ai_code_policies').where('organization_id', organizationId).first()
  if (row) {
    return {
      enabled: Boolean(row.enabled),
      maxAiSharePercent: limit(row.max_ai_share_percent),
      maxChangedLines: limit(row.max_changed_lines),
      requireAttestation: Boolean(row.require_attestation),
      source: 'organization',
    }
  }
  return OFF
}

export type PullRequestFacts = {
  changedFiles: number
  additions: number
  deletions: number
  commits: number
  aiAssistedCommits: number
  /** AI or blended chunks of its commits that no attestation covers */
  unattestedChunks: UnattestedChunk[]
}

export type UnattestedChunk = { path: string; startLine: number; endLine: number; origin: string }

export type AiCommit = { sha: string; title: string; marks: string[] }

export type PolicyResult = { passed: boolean; reasons: string[] }

export function evaluatePolicy(policy: AiCodePolicy, facts: PullRequestFacts): PolicyResult {
  const reasons: string[] = []
  const share = facts.commits === 0 ? 0 : (facts.aiAssistedCommits / facts.commits) * 100
  if (policy.maxAiSharePercent !== null && share > policy.maxAiSharePercent) {
    reasons.push(
      `${Math.round(share)}% of the commits are AI-assisted; the policy allows at most ${policy.maxAiSharePercent}%`
    )
  }
  const lines = facts.additions + facts.deletions
  if (policy.maxChangedLines !== null && lines > policy.maxChangedLines) {
    reasons.push(`${lines} lines changed; the policy allows at most ${policy.maxChangedLines}`)
  }
  const unattested = facts.unattestedChunks.length
  if (policy.requireAttestation && unattested > 0) {
    reasons.push(
      `${unattested} AI or blended chunk(s) not attested; the policy requires an attestation of each`
    )
  }
  return { passed: reasons.length === 0, reasons }
}

/** Markdown for the status's summary; text from commits is kept out of table syntax. */
export function policySummary(
  facts: PullRequestFacts,
  reasons: string[],
  aiCommits: AiCommit[],
  attestationUrl?: string
) {
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
  if (facts.unattestedChunks.length > 0) {
    lines.push('', '### Chunks awaiting attestation', '')
    for (const chunk of facts.unattestedChunks.slice(0, 50)) {
      lines.push(
        `- \`${plain(chunk.path)}\` lines ${chunk.startLine}–${chunk.endLine} (${chunk.origin})`
      )
    }
    if (facts.unattestedChunks.length > 50) {
      lines.push(`- … and ${facts.unattestedChunks.length - 50} more`)
    }
    if (attestationUrl) lines.push('', `Attest them: ${attestationUrl}`)
  }
  return lines.join('\n')
}
