import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { findOrganizationProduct } from '#queries/products'
import { invalidateInsights } from '#services/insights/cache'

/**
 * Deletes a product, its repository links and its score history (the
 * repositories and their data stay).
 */
export default class DeleteProduct {
  async execute(input: {
    organizationId: number
    actor: User
    meta: RequestMeta
    productPublicId: string
  }) {
    const product = await db.transaction(async (trx) => {
      const found = await findOrganizationProduct(input.organizationId, input.productPublicId, trx)
      await found.useTransaction(trx).delete()
      await recordAudit(
        {
          event: 'product.deleted',
          actorId: input.actor.id,
          organizationId: input.organizationId,
          subject: found.name,
          meta: input.meta,
          details: { product: found.publicId },
        },
        trx
      )
      return found
    })
    await invalidateInsights(input.organizationId)
    return product
  }
}
