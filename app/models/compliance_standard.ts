import { hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import { ComplianceStandardSchema } from '#database/schema'
import ComplianceControl from '#models/compliance_control'

/** A compliance standard (SOC 2, ISO 27001, GDPR...), named by its code. */
export default class ComplianceStandard extends ComplianceStandardSchema {
  @hasMany(() => ComplianceControl)
  declare controls: HasMany<typeof ComplianceControl>
}
