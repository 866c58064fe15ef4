import { compose } from '@adonisjs/core/helpers'
import { belongsTo } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { MfaFactorSchema } from '#database/schema'
import { withPublicId } from '#models/mixins/with_public_id'
import User from '#models/user'

export type MfaFactorKind = 'totp' | 'passkey'

/**
 * A second factor. The TOTP secret is sealed with the secrets key and
 * bound to this row, so the raw table never holds it in clear.
 */
export default class MfaFactor extends compose(MfaFactorSchema, withPublicId('mfa_factor')) {
  declare kind: MfaFactorKind

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>

  get isConfirmed() {
    return this.confirmedAt !== null
  }
}
