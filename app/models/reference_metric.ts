import { hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import { ReferenceMetricSchema } from '#database/schema'
import ReferenceRecord from '#models/reference_record'

/**
 * A metric peer organisations were measured on, with the direction that
 * counts as better and its weight in the combined score.
 */
export default class ReferenceMetric extends ReferenceMetricSchema {
  declare direction: 'lower' | 'higher'

  @hasMany(() => ReferenceRecord)
  declare records: HasMany<typeof ReferenceRecord>
}
