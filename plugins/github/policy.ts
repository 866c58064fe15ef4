import { vine } from '#plugin-sdk'

/**
 * The status-check setting a GitHub connection kept in its config
 * before the AI-code policy became the organisation's (core:
 * app/services/ai_code/policy.ts, Settings → AI code policy). The core
 * honours it until the organisation saves its own policy; the compliance
 * evidence below still reads it.
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
