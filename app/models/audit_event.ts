import { compose } from '@adonisjs/core/helpers'
import { belongsTo } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { AuditEventSchema } from '#database/schema'
import { withPublicId } from '#models/mixins/with_public_id'
import Organization from '#models/organization'
import User from '#models/user'

export default class AuditEvent extends compose(AuditEventSchema, withPublicId('audit_event')) {
  /**
   * Extra facts recorded with the event (stored as JSON text so the same
   * column works on every engine).
   */
  get details(): Record<string, unknown> {
    if (!this.metadata) return {}
    try {
      return JSON.parse(this.metadata)
    } catch {
      return {}
    }
  }

  @belongsTo(() => User, { foreignKey: 'actorId' })
  declare actor: BelongsTo<typeof User>

  @belongsTo(() => Organization)
  declare organization: BelongsTo<typeof Organization>
}
