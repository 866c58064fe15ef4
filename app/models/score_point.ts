import { ScorePointSchema } from '#database/schema'

/**
 * An organisation's (product_id null) or a product's score on one day,
 * with the per-metric scores behind it as JSON.
 */
export default class ScorePoint extends ScorePointSchema {}
