import { ProductRepositorySchema } from '#database/schema'

/** One repository's membership of one product (same organisation). */
export default class ProductRepository extends ProductRepositorySchema {}
