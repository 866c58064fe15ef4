import db from '@adonisjs/lucid/services/db'
import { secretBox, type SecretPurpose } from '#services/secret_box'
import { outboundFetch } from '#services/http/outbound_dispatcher'
import { outboundRefusalIn } from '#services/http/outbound_policy'

/**
 * The incoming-webhook URL an organisation's insights alerts are posted
 * to. Slack's and Teams' incoming webhooks carry their credential in the
 * URL, so it is sealed at rest, bound to its row, and never logged.
 */
function purpose(organizationId: number): SecretPurpose {
  return { table: 'organizations', column: 'alert_webhook_url', rowId: organizationId }
}

export function sealAlertWebhook(organizationId: number, url: string) {
  return secretBox().seal(url, purpose(organizationId))
}

export async function alertWebhookUrl(organizationId: number): Promise<string | null> {
  const row = await db
    .from('organizations')
    .where('id', organizationId)
    .select('alert_webhook_url')
    .first()
  return row?.alert_webhook_url
    ? secretBox().open(row.alert_webhook_url, purpose(organizationId))
    : null
}

/** the host alone, to show which webhook is set without revealing its secret path */
export function webhookHost(url: string) {
  return URL.canParse(url) ? new URL(url).host : null
}

/**
 * Posts `{ "text": … }`: the payload Slack's incoming webhooks and
 * Microsoft Teams' incoming webhooks (and Workflows' "post to a channel
 * when a webhook request is received") both accept. Through the outbound
 * policy: the URL was typed by a user. Answers a short status for the
 * alert's record; a failure never stops the e-mails.
 */
export async function postAlert(url: string, text: string): Promise<string> {
  try {
    const response = await outboundFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
      signal: AbortSignal.timeout(10_000),
    })
    await response.body?.cancel()
    return response.ok
      ? `delivered (${response.status})`
      : `refused by the receiver (${response.status})`
  } catch (error) {
    const refusal = outboundRefusalIn(error)
    if (refusal) return refusal.message.slice(0, 255)
    return `not delivered: ${(error as Error).name}`
  }
}
