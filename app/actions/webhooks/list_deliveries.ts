import db from '@adonisjs/lucid/services/db'
import { publicIds } from '#services/public_id'

export const DELIVERY_STATUSES = ['pending', 'processing', 'processed', 'failed'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]

export type DeliveryRow = {
  publicId: string
  plugin: string
  deliveryId: string
  event: string
  action: string | null
  organization: string | null
  status: DeliveryStatus
  attempts: number
  lastError: string | null
  receivedAt: string
  processedAt: string | null
}

/**
 * Recent webhook deliveries for the admin area, failed ones first by
 * default: what arrived, whether it was processed, why not.
 */
export default class ListDeliveries {
  async execute(
    filters: { status?: DeliveryStatus | 'all'; plugin?: string; limit?: number } = {}
  ) {
    const status = filters.status ?? 'failed'
    const query = db
      .from('webhook_deliveries')
      .leftJoin('organizations', 'organizations.id', 'webhook_deliveries.organization_id')
      .orderBy('webhook_deliveries.id', 'desc')
      .limit(filters.limit ?? 100)
      .select('webhook_deliveries.*', 'organizations.name as organization_name')
    if (status !== 'all') query.where('webhook_deliveries.status', status)
    if (filters.plugin) query.where('webhook_deliveries.plugin_id', filters.plugin)
    const counts = await db
      .from('webhook_deliveries')
      .groupBy('status')
      .select('status', db.raw('count(*) as total'))
    const codec = publicIds('webhook_delivery')
    const found = await query
    const rows: DeliveryRow[] = found.map((row) => ({
      publicId: codec.encode(row.id),
      plugin: row.plugin_id,
      deliveryId: row.delivery_id,
      event: row.event,
      action: row.action,
      organization: row.organization_name ?? null,
      status: row.status,
      attempts: row.attempts,
      lastError: row.last_error,
      receivedAt: String(row.received_at),
      processedAt: row.processed_at ? String(row.processed_at) : null,
    }))
    return {
      status,
      rows,
      counts: Object.fromEntries(counts.map((row) => [row.status, Number(row.total)])) as Record<
        string,
        number
      >,
    }
  }
}
