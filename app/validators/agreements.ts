import vine from '@vinejs/vine'
import { AGREEMENT_KIND_NAMES } from '#services/agreements/kinds'

/** a new working agreement (Settings → Insights → Working agreements) */
export const workingAgreementValidator = vine.create({
  kind: vine.enum(AGREEMENT_KIND_NAMES),
  threshold: vine.number().withoutDecimals().min(1).max(100_000),
  targetPercent: vine.number().withoutDecimals().min(1).max(100),
  team: vine.string().trim().maxLength(64).optional(),
})

/** where alerts are posted: an incoming-webhook URL (Slack or Teams), or empty to stop */
export const alertWebhookValidator = vine.create({
  url: vine.string().trim().maxLength(2048).optional(),
})
