import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import Product from '#models/product'
import { nameTaken } from '#queries/products'
import { ProductRefusedException } from '#actions/products/product_refusal'
import { invalidateInsights } from '#services/insights/cache'

/**
 * A new, empty product; its repositories are chosen next.
 */
export default class CreateProduct {
  async execute(input: {
    organizationId: number
    actor: User
    meta: RequestMeta
    name: string
    description?: string | null
  }) {
    const product = await db.transaction(async (trx) => {
      if (await nameTaken(input.organizationId, input.name, null, trx)) {
        throw new ProductRefusedException('name', `A product named “${input.name}” already exists.`)
      }
      const created = await Product.create(
        {
          organizationId: input.organizationId,
          name: input.name,
          description: input.description || null,
        },
        { client: trx }
      )
      await recordAudit(
        {
          event: 'product.created',
          actorId: input.actor.id,
          organizationId: input.organizationId,
          subject: created.name,
          meta: input.meta,
          details: { product: created.publicId },
        },
        trx
      )
      return created
    })
    await invalidateInsights(input.organizationId)
    return product
  }
}
