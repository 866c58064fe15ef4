import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { checkOutboundUrl } from '#services/http/outbound_dispatcher'
import { OutboundRequestRefused } from '#services/http/outbound_policy'
import { sealAlertWebhook, webhookHost } from '#services/agreements/alert_webhook'
import { AgreementRefusedException } from '#actions/agreements/agreement_refusal'

/**
 * Sets (or, empty, removes) the incoming-webhook URL insights alerts are
 * posted to. The URL is checked against the outbound policy before it is
 * saved, and sealed.
 */
export default class SaveAlertWebhook {
  async execute(input: { organizationId: number; actor: User; meta: RequestMeta; url?: string }) {
    let sealed: string | null = null
    if (input.url) {
      try {
        await checkOutboundUrl(input.url)
      } catch (error) {
        if (error instanceof OutboundRequestRefused)
          throw new AgreementRefusedException('url', `That address is ${error.message}.`)
        throw new AgreementRefusedException(
          'url',
          'Type the incoming-webhook URL your chat tool gave you (https://…).'
        )
      }
      sealed = sealAlertWebhook(input.organizationId, input.url)
    }
    await db.transaction(async (trx) => {
      await trx
        .from('organizations')
        .where('id', input.organizationId)
        .update({ alert_webhook_url: sealed })
      await recordAudit(
        {
          event: 'insights.alert_webhook_changed',
          actorId: input.actor.id,
          organizationId: input.organizationId,
          // the host only: the path is the webhook's credential
          subject: input.url
            ? `Alerts posted to ${webhookHost(input.url)}`
            : 'Alert webhook removed',
          meta: input.meta,
        },
        trx
      )
    })
    return input.url
      ? `Alerts will be posted to ${webhookHost(input.url)}.`
      : 'Alerts are no longer posted to a webhook.'
  }
}
