import { DateTime } from 'luxon'
import { compose } from '@adonisjs/core/helpers'
import { belongsTo } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { InviteSchema } from '#database/schema'
import { withPublicId } from '#models/mixins/with_public_id'
import Organization from '#models/organization'
import User from '#models/user'
import type { RoleName } from '#services/authorization'

export default class Invite extends compose(InviteSchema, withPublicId('invite')) {
  declare role: RoleName

  @belongsTo(() => Organization)
  declare organization: BelongsTo<typeof Organization>

  @belongsTo(() => User, { foreignKey: 'invitedById' })
  declare invitedBy: BelongsTo<typeof User>

  get isPending() {
    return !this.acceptedAt && !this.revokedAt && this.expiresAt > DateTime.now()
  }

  get status() {
    if (this.acceptedAt) return 'accepted'
    if (this.revokedAt) return 'revoked'
    return this.expiresAt > DateTime.now() ? 'pending' : 'expired'
  }
}
