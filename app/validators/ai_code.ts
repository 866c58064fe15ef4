import vine from '@vinejs/vine'

/** the organisation's AI-code policy form; an empty limit is not enforced */
export const aiCodePolicyValidator = vine.create({
  enabled: vine.boolean().optional(),
  requireAttestation: vine.boolean().optional(),
  maxAiSharePercent: vine.number().withoutDecimals().range([0, 100]).optional(),
  maxChangedLines: vine.number().withoutDecimals().min(1).max(10_000_000).optional(),
})

/** a developer's attestation of a pull request chunk */
export const attestationValidator = vine.create({
  chunk: vine.string().trim().maxLength(32),
  verdict: vine.enum(['Pure', 'Blended', 'NotGenAI']),
})
