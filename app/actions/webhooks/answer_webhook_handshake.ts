import { connectionHandle } from '#services/plugins/connection_handle'
import {
  resolveWebhookTarget,
  type ConnectionWebhookAddress,
  type IncomingWebhook,
} from '#actions/webhooks/receive_webhook'

export type HandshakeAnswer =
  | { outcome: 'answered'; status: number; body: unknown }
  | { outcome: 'refused'; status: number; reason: string }

/**
 * A GET to a webhook URL: the validation request some providers send
 * before they save a webhook (Mailchimp). The plugin's handshake answers
 * it; nothing is stored. A per-connection URL's token is checked first,
 * so a wrong token learns nothing from the plugin.
 */
export default class AnswerWebhookHandshake {
  async execute(input: {
    pluginId: string
    request: IncomingWebhook
    address?: ConnectionWebhookAddress | null
  }): Promise<HandshakeAnswer> {
    const target = await resolveWebhookTarget(input.pluginId, input.address ?? null)
    if (target.refused) return target.refused
    const handshake = target.plugin.definition.webhooks?.handshake
    if (!handshake) {
      const reason = `${target.plugin.definition.name} webhooks take POST deliveries only`
      return { outcome: 'refused', status: 405, reason }
    }
    const answer = await handshake({
      ...input.request,
      connection: target.connection ? connectionHandle(target.connection, target.plugin) : null,
    })
    return { outcome: 'answered', status: answer.status ?? 200, body: answer.body ?? '' }
  }
}
