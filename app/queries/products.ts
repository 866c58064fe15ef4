import { errors } from '@adonisjs/lucid'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Product from '#models/product'

/**
 * A product of this organisation by public id; another organisation's
 * product, or an id that decodes to nothing, is a 404.
 */
export async function findOrganizationProduct(
  organizationId: number,
  publicId: unknown,
  client?: TransactionClientContract
) {
  const id = Product.keyFromPublicId(publicId)
  const product =
    id === null
      ? null
      : await Product.query({ client })
          .where('organization_id', organizationId)
          .where('id', id)
          .first()
  if (!product) throw new errors.E_ROW_NOT_FOUND(Product)
  return product
}

/**
 * Whether another product of the organisation already has this name
 * (compared case-insensitively: "Checkout" and "checkout" would be two
 * rows nobody can tell apart on a page).
 */
export async function nameTaken(
  organizationId: number,
  name: string,
  exceptId: number | null,
  client: TransactionClientContract
) {
  const query = client
    .from('products')
    .where('organization_id', organizationId)
    .whereRaw('LOWER(name) = ?', [name.toLowerCase()])
  if (exceptId !== null) query.whereNot('id', exceptId)
  return Boolean(await query.select('id').first())
}
