import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { findOrganizationProduct, nameTaken } from '#queries/products'
import { ProductRefusedException } from '#actions/products/product_refusal'
import { invalidateInsights } from '#services/insights/cache'

/**
 * Renames a product and rewrites its description.
 */
export default class UpdateProduct {
  async execute(input: {
    organizationId: number
    actor: User
    meta: RequestMeta
    productPublicId: string
    name: string
    description?: string | null
  }) {
    const product = await db.transaction(async (trx) => {
      const found = await findOrganizationProduct(input.organizationId, input.productPublicId, trx)
      if (await nameTaken(input.organizationId, input.name, found.id, trx)) {
        throw new ProductRefusedException('name', `A product named “${input.name}” already exists.`)
      }
      const previousName = found.name
      found.name = input.name
      found.description = input.description || null
      await found.useTransaction(trx).save()
      await recordAudit(
        {
          event: 'product.updated',
          actorId: input.actor.id,
          organizationId: input.organizationId,
          subject: found.name,
          meta: input.meta,
          details: { product: found.publicId, previousName },
        },
        trx
      )
      return found
    })
    await invalidateInsights(input.organizationId)
    return product
  }
}
