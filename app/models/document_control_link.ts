import { DateTime } from 'luxon'
import { belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { DocumentControlLinkSchema } from '#database/schema'
import User from '#models/user'

export type EvidenceReviewStatus = 'submitted' | 'accepted' | 'rejected'

/**
 * A document cited as evidence for a compliance control, by the
 * control's code (e.g. "SOC2-CC6.1"), and where its review stands:
 * submitted (awaiting review), accepted until `expiresAt`, or rejected
 * with a reason, by a member allowed to review compliance evidence.
 */
export default class DocumentControlLink extends DocumentControlLinkSchema {
  @column()
  declare reviewStatus: EvidenceReviewStatus

  @column()
  declare reviewedById: number | null

  @column.dateTime()
  declare reviewedAt: DateTime | null

  @column()
  declare reviewReason: string | null

  @column.dateTime()
  declare expiresAt: DateTime | null

  @belongsTo(() => User, { foreignKey: 'reviewedById' })
  declare reviewer: BelongsTo<typeof User>

  /** the state shown: accepted evidence past its expiry is expired */
  get reviewState(): EvidenceReviewStatus | 'expired' {
    if (this.reviewStatus === 'accepted' && this.expiresAt && this.expiresAt <= DateTime.now()) {
      return 'expired'
    }
    return this.reviewStatus
  }
}
