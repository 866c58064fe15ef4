import { BaseSchema } from '@adonisjs/lucid/schema'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'

type LegacySetting = { enabled?: unknown; maxAiSharePercent?: unknown; maxChangedLines?: unknown }

const number = (value: unknown) => (typeof value === 'number' ? value : null)

const parse = (config: string | null): Record<string, unknown> => {
  try {
    return config ? (JSON.parse(config) as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/**
 * The GitHub plugin kept the AI-code status-check setting per connection
 * (`config.statusCheck`) before the policy became the organisation's, in
 * the core (docs/ai_code.md). The core no longer reads a provider's
 * config: an organisation that has not saved its own policy gets the one
 * its GitHub connections kept (an enabled one wins over a disabled one,
 * then the oldest connection), and the old setting is removed from every
 * connection's config.
 */
export async function moveGitHubStatusCheckIntoPolicy(client: QueryClientContract) {
  const rows = await client
    .from('connections')
    .where('plugin_id', 'github')
    .whereNotNull('config')
    .orderBy('id')
    .select('id', 'organization_id', 'config')
  const settings = new Map<number, LegacySetting[]>()
  for (const row of rows) {
    const config = parse(row.config)
    const setting = config.statusCheck
    if (!setting || typeof setting !== 'object') continue
    const organizationId = Number(row.organization_id)
    settings.set(organizationId, [...(settings.get(organizationId) ?? []), setting])
    delete config.statusCheck
    await client
      .from('connections')
      .where('id', row.id)
      .update({ config: JSON.stringify(config) })
  }
  const now = new Date()
  for (const [organizationId, list] of settings) {
    const existing = await client
      .from('ai_code_policies')
      .where('organization_id', organizationId)
      .first()
    if (existing) continue
    const chosen = list.find((setting) => setting.enabled === true) ?? list[0]
    await client.table('ai_code_policies').insert({
      organization_id: organizationId,
      enabled: chosen.enabled === true,
      max_ai_share_percent: number(chosen.maxAiSharePercent),
      max_changed_lines: number(chosen.maxChangedLines),
      require_attestation: false,
      created_at: now,
      updated_at: now,
    })
  }
}

export default class extends BaseSchema {
  async up() {
    this.defer((client) => moveGitHubStatusCheckIntoPolicy(client))
  }

  async down() {
    // the per-connection setting is not restored: the organisation's policy holds it
  }
}
