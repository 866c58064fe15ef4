import db from '@adonisjs/lucid/services/db'
import type Organization from '#models/organization'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { organizationPolicy } from '#services/ai_code/policy'
import { sqlTime } from '#services/sql'

/**
 * Saves the organisation's AI-code policy (one row per organisation),
 * with the change in the audit log, in one transaction. From then on it
 * replaces any status-check setting a GitHub connection kept.
 */
export default class UpdateAiCodePolicy {
  async execute(input: {
    organization: Organization
    actor: User
    enabled: boolean
    maxAiSharePercent: number | null
    maxChangedLines: number | null
    requireAttestation?: boolean
    meta: RequestMeta
  }) {
    const before = await organizationPolicy(input.organization.id)
    const values = {
      enabled: input.enabled,
      max_ai_share_percent: input.maxAiSharePercent,
      max_changed_lines: input.maxChangedLines,
      require_attestation: input.requireAttestation === true,
      updated_at: sqlTime(),
    }
    await db.transaction(async (trx) => {
      await trx
        .insertQuery()
        .table('ai_code_policies')
        .insert({ ...values, organization_id: input.organization.id, created_at: sqlTime() })
        .onConflict('organization_id')
        .merge(Object.keys(values))
      await recordAudit(
        {
          event: 'organization.ai_code_policy_changed',
          actorId: input.actor.id,
          organizationId: input.organization.id,
          subject: input.organization.name,
          meta: input.meta,
          details: {
            before,
            after: {
              enabled: input.enabled,
              maxAiSharePercent: input.maxAiSharePercent,
              maxChangedLines: input.maxChangedLines,
              requireAttestation: input.requireAttestation === true,
            },
          },
        },
        trx
      )
    })
    return organizationPolicy(input.organization.id)
  }
}
