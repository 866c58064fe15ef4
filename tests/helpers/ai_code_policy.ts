import db from '@adonisjs/lucid/services/db'

/** Saves the organisation's AI code policy, as Settings → AI code policy does. */
export async function saveAiCodePolicy(
  organizationId: number,
  policy: {
    enabled?: boolean
    maxAiSharePercent?: number | null
    maxChangedLines?: number | null
    requireAttestation?: boolean
  }
) {
  const now = new Date()
  const values = {
    enabled: policy.enabled === true,
    max_ai_share_percent: policy.maxAiSharePercent ?? null,
    max_changed_lines: policy.maxChangedLines ?? null,
    require_attestation: policy.requireAttestation === true,
    updated_at: now,
  }
  const existing = await db
    .from('ai_code_policies')
    .where('organization_id', organizationId)
    .first()
  if (existing) {
    await db.from('ai_code_policies').where('id', existing.id).update(values)
  } else {
    await db
      .table('ai_code_policies')
      .insert({ ...values, organization_id: organizationId, created_at: now })
  }
}
