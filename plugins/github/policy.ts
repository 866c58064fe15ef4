import { vine } from '#plugin-sdk'

/**
 * The organisation's status-check settings, kept in the GitHub
 * connection's config: whether the "Sextant" check is posted, and the
 * policy it enforces. Empty limits are not enforced.
 */
export type StatusCheckSettings = {
  enabled: boolean
  /** the share of AI-assisted commits above which the check fails (0–100) */
  maxAiSharePercent: number | null
  /** added plus deleted lines above which the check fails */
  maxChangedLines: number | null
}

export function statusCheckSettings(config: Record<string, unknown>): StatusCheckSettings {
  const stored = (config.statusCheck ?? {}) as Partial<StatusCheckSettings>
  return {
    enabled: stored.enabled === true,
    maxAiSharePercent:
      typeof stored.maxAiSharePercent === 'number' ? stored.maxAiSharePercent : null,
    maxChangedLines: typeof stored.maxChangedLines === 'number' ? stored.maxChangedLines : null,
  }
}

export const statusCheckSettingsValidator = vine.create({
  enabled: vine.boolean().optional(),
  maxAiSharePercent: vine.number().withoutDecimals().range([0, 100]).optional(),
  maxChangedLines: vine.number().withoutDecimals().min(1).max(10_000_000).optional(),
})

export type PullRequestFacts = {
  changedFiles: number
  additions: number
  deletions: number
  commits: number
  aiAssistedCommits: number
}

export type PolicyResult = { passed: boolean; reasons: string[] }

export function evaluatePolicy(
  settings: StatusCheckSettings,
  facts: PullRequestFacts
): PolicyResult {
  const reasons: string[] = []
  const share = facts.commits === 0 ? 0 : (facts.aiAssistedCommits / facts.commits) * 100
  if (settings.maxAiSharePercent !== null && share > settings.maxAiSharePercent) {
    reasons.push(
      `${Math.round(share)}% of the commits are AI-assisted; the policy allows at most ${settings.maxAiSharePercent}%`
    )
  }
  const lines = facts.additions + facts.deletions
  if (settings.maxChangedLines !== null && lines > settings.maxChangedLines) {
    reasons.push(`${lines} lines changed; the policy allows at most ${settings.maxChangedLines}`)
  }
  return { passed: reasons.length === 0, reasons }
}
