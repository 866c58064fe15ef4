import { compose } from '@adonisjs/core/helpers'
import { hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import { ProductSchema } from '#database/schema'
import { withPublicId } from '#models/mixins/with_public_id'
import ProductRepository from '#models/product_repository'

/**
 * A group of an organisation's repositories that executives look at as
 * one thing (a product line, a platform). A repository may belong to
 * several products.
 */
export default class Product extends compose(ProductSchema, withPublicId('product')) {
  @hasMany(() => ProductRepository)
  declare repositoryLinks: HasMany<typeof ProductRepository>
}
