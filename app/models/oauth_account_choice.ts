import { compose } from '@adonisjs/core/helpers'
import { OauthAccountChoiceSchema } from '#database/schema'
import { withPublicId } from '#models/mixins/with_public_id'
import { secretBox } from '#services/secret_box'
import type { OAuthTokenSet } from '#plugin-sdk/types'
import type { ResolvedAccount } from '#plugin-sdk/auth_methods'

/**
 * An OAuth grant that reaches several accounts, waiting (a few minutes)
 * for the member who authorised it to pick which to connect. The token
 * set is sealed, bound to this row; the row is deleted once the choice is
 * made.
 */
export default class OauthAccountChoice extends compose(
  OauthAccountChoiceSchema,
  withPublicId('oauth_account_choice')
) {
  get accountList(): ResolvedAccount[] {
    return JSON.parse(this.accounts) as ResolvedAccount[]
  }

  openToken(): OAuthTokenSet {
    if (!this.credentials) throw new Error('This account choice holds no token')
    return JSON.parse(secretBox().open(this.credentials, this.#purpose())) as OAuthTokenSet
  }

  sealToken(token: OAuthTokenSet) {
    // The raw answer may repeat the tokens: only the parsed set is kept.
    const kept: OAuthTokenSet = { ...token }
    delete kept.raw
    this.credentials = secretBox().seal(JSON.stringify(kept), this.#purpose())
  }

  #purpose() {
    if (!this.id) throw new Error('An account choice must be saved before its token is sealed')
    return { table: 'oauth_account_choices', column: 'credentials', rowId: this.id }
  }
}
