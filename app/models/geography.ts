import { manyToMany } from '@adonisjs/lucid/orm'
import type { ManyToMany } from '@adonisjs/lucid/types/relations'
import { GeographySchema } from '#database/schema'
import ComplianceStandard from '#models/compliance_standard'

/**
 * A jurisdiction (a country, a union, a state), named in URLs by its
 * code ("EU", "US-CA"), which is public reference data.
 */
export default class Geography extends GeographySchema {
  @manyToMany(() => ComplianceStandard, { pivotTable: 'compliance_standard_geographies' })
  declare standards: ManyToMany<typeof ComplianceStandard>

  get authorityList(): string[] {
    return JSON.parse(this.authorities) as string[]
  }
}
