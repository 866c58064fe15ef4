import { compose } from '@adonisjs/core/helpers'
import { belongsTo } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { MembershipSchema } from '#database/schema'
import { withPublicId } from '#models/mixins/with_public_id'
import Organization from '#models/organization'
import User from '#models/user'
import type { RoleName } from '#services/authorization'

/**
 * A user's role in one organisation.
 */
export default class Membership extends compose(MembershipSchema, withPublicId('membership')) {
  declare role: RoleName

  @belongsTo(() => Organization)
  declare organization: BelongsTo<typeof Organization>

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>
}
