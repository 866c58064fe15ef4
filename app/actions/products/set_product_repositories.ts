import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { publicIds } from '#services/public_id'
import { findOrganizationProduct } from '#queries/products'
import { ProductRefusedException } from '#actions/products/product_refusal'
import { invalidateInsights } from '#services/insights/cache'

const repositoryIds = publicIds('repository')

/**
 * Makes a product hold exactly these repositories (public ids, all of
 * this organisation): links no longer wanted are removed, new ones
 * added, in one transaction.
 */
export default class SetProductRepositories {
  async execute(input: {
    organizationId: number
    actor: User
    meta: RequestMeta
    productPublicId: string
    repositoryPublicIds: string[]
  }) {
    const wanted = [
      ...new Set(input.repositoryPublicIds.map((publicId) => repositoryIds.decode(publicId))),
    ]
    if (wanted.some((id) => id === null)) {
      throw new ProductRefusedException(
        'repositories',
        'One of the chosen repositories does not exist.'
      )
    }
    const result = await db.transaction(async (trx) => {
      const product = await findOrganizationProduct(
        input.organizationId,
        input.productPublicId,
        trx
      )
      const ids = wanted as number[]
      const owned = ids.length
        ? await trx
            .from('repositories')
            .where('organization_id', input.organizationId)
            .whereIn('id', ids)
            .select('id')
        : []
      if (owned.length !== ids.length) {
        throw new ProductRefusedException(
          'repositories',
          'One of the chosen repositories does not exist.'
        )
      }
      const current = await trx
        .from('product_repositories')
        .where('product_id', product.id)
        .select('repository_id')
      const have = new Set(current.map((row) => Number(row.repository_id)))
      const keep = new Set(ids)
      const removed = [...have].filter((id) => !keep.has(id))
      const added = ids.filter((id) => !have.has(id))
      if (removed.length) {
        await trx
          .from('product_repositories')
          .where('product_id', product.id)
          .whereIn('repository_id', removed)
          .delete()
      }
      if (added.length) {
        await trx.table('product_repositories').multiInsert(
          added.map((repositoryId) => ({
            organization_id: input.organizationId,
            product_id: product.id,
            repository_id: repositoryId,
          }))
        )
      }
      await recordAudit(
        {
          event: 'product.repositories_changed',
          actorId: input.actor.id,
          organizationId: input.organizationId,
          subject: product.name,
          meta: input.meta,
          details: {
            product: product.publicId,
            added: added.map((id) => repositoryIds.encode(id)),
            removed: removed.map((id) => repositoryIds.encode(id)),
          },
        },
        trx
      )
      return { product, added: added.length, removed: removed.length, total: ids.length }
    })
    await invalidateInsights(input.organizationId)
    return result
  }
}
