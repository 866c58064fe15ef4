import { ComplianceControlSchema } from '#database/schema'
import type { EvidenceKind } from '#services/insights/types'

/**
 * One control of a standard, named by its code ("SOC2-CC6.1", the code
 * documents cite), with the kind of evidence that shows it is met.
 */
export default class ComplianceControl extends ComplianceControlSchema {
  declare evidenceKind: EvidenceKind
}
