import type User from '#models/user'
import { eventUser, publishCoreEvent } from '#actions/plugins/queue_plugin_hook'
import {
  hasMarketingConsent,
  recordMarketingConsent,
  withdrawMarketingConsent,
} from '#services/marketing/consent'

/**
 * The product-emails box on the Security page: opting in records the
 * moment and the wording; opting out records the withdrawal. A change is
 * published as user.updated (changed: marketingConsent), so a marketing
 * plugin subscribes or unsubscribes the person through the queue.
 */
export default class UpdateMarketingConsent {
  async execute(input: { user: User; consent: boolean }): Promise<{ changed: boolean }> {
    const before = hasMarketingConsent(input.user)
    if (before === input.consent) return { changed: false }
    if (input.consent) recordMarketingConsent(input.user)
    else withdrawMarketingConsent(input.user, 'user')
    await input.user.save()
    const memberships = await input.user.related('memberships').query().preload('organization')
    const organizationPublicIds = memberships.map((membership) => membership.organization.publicId)
    await publishCoreEvent('user.updated', {
      user: eventUser(input.user),
      organizationPublicIds,
      changed: ['marketingConsent'],
      previous: { marketingConsent: before },
      marketingConsent: input.consent,
    })
    return { changed: true }
  }
}
