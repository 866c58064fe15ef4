import vine from '@vinejs/vine'
import { DELIVERY_STATUSES } from '#actions/webhooks/list_deliveries'

export const deliveryFiltersValidator = vine.create({
  status: vine.enum([...DELIVERY_STATUSES, 'all'] as const).optional(),
  plugin: vine.string().trim().maxLength(64).optional(),
})
