import hash from '@adonisjs/core/services/hash'
import { compose } from '@adonisjs/core/helpers'
import { column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import { withAuthFinder } from '@adonisjs/auth/mixins/lucid'
import type { AccessToken } from '@adonisjs/auth/access_tokens'
import { MinuteAccessTokensProvider } from '#services/auth/access_tokens_provider'
import { UserSchema } from '#database/schema'
import { withPublicId } from '#models/mixins/with_public_id'
import Membership from '#models/membership'
import MfaFactor from '#models/mfa_factor'

/**
 * A person who signs in. Organisation access comes from memberships;
 * superusers also reach the admin area.
 */
export default class User extends compose(
  UserSchema,
  withAuthFinder(hash, { uids: ['email'], passwordColumnName: 'password' }),
  withPublicId('user')
) {
  static accessTokens = MinuteAccessTokensProvider.forModel(User, {
    prefix: 'sxt_',
    table: 'auth_access_tokens',
    type: 'personal_access_token',
    tokenSecretLength: 40,
  })

  declare currentAccessToken?: AccessToken

  // SQLite hands booleans back as 0/1.
  @column({ consume: (value) => Boolean(value) })
  declare isSuperuser: boolean

  /** opted in to product emails and not withdrawn since (the opt-in's moment and wording are stored) */
  get marketingConsent(): boolean {
    return this.marketingConsentAt !== null && this.marketingConsentWithdrawnAt === null
  }

  @hasMany(() => Membership)
  declare memberships: HasMany<typeof Membership>

  @hasMany(() => MfaFactor)
  declare mfaFactors: HasMany<typeof MfaFactor>

  get displayName() {
    return this.fullName || this.email
  }

  get initials() {
    const source = this.fullName?.trim() || this.email.split('@')[0]
    const parts = source.split(/[^\p{L}\p{N}]+/u).filter(Boolean)
    const letters =
      parts.length > 1 ? `${parts[0][0]}${parts[1][0]}` : (parts[0] ?? source).slice(0, 2)
    return letters.toUpperCase()
  }

  get isLocked() {
    return this.lockedAt !== null
  }
}
