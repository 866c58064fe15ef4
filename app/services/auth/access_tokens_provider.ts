import { AccessToken, DbAccessTokensProvider } from '@adonisjs/auth/access_tokens'
import type { Secret } from '@adonisjs/core/helpers'
import type { LucidModel } from '@adonisjs/lucid/types/model'

/** a token's last use is recorded to the minute: more often would be a write per API request */
export const LAST_USED_PRECISION_MS = 60_000

/**
 * The stock database token provider, except that a token's
 * `last_used_at` is written at most once a minute (the stock one writes
 * it on every request, before even checking the secret) and only for a
 * token whose secret matched and that has not expired. The token row is
 * still read on every request, so a revoked token stops working at once.
 */
export class MinuteAccessTokensProvider<
  TokenableModel extends LucidModel,
> extends DbAccessTokensProvider<TokenableModel> {
  static forModel<TokenableModel extends LucidModel>(
    model: ConstructorParameters<
      typeof DbAccessTokensProvider<TokenableModel>
    >[0]['tokenableModel'],
    options: Omit<
      ConstructorParameters<typeof DbAccessTokensProvider<TokenableModel>>[0],
      'tokenableModel'
    > = {}
  ) {
    return new MinuteAccessTokensProvider<TokenableModel>({ tokenableModel: model, ...options })
  }

  async verify(tokenValue: Secret<string>): Promise<AccessToken | null> {
    const decoded = AccessToken.decode(this.prefix, tokenValue.release())
    if (!decoded) return null
    const db = await this.getDb()
    const row = await db
      .query()
      .from(this.table)
      .where({ id: decoded.identifier, type: this.type })
      .limit(1)
      .first()
    if (!row) return null
    const token = this.dbRowToAccessToken(row)
    if (!token.verify(decoded.secret) || token.isExpired()) return null
    const now = new Date()
    const lastUsed = token.lastUsedAt ? new Date(token.lastUsedAt).getTime() : Number.NaN
    // never used, unreadable, or more than a minute ago (or in the future: a moved clock)
    const age = now.getTime() - lastUsed
    if (!(age >= 0 && age < LAST_USED_PRECISION_MS)) {
      await db.from(this.table).where({ id: row.id, type: row.type }).update({ last_used_at: now })
      token.lastUsedAt = now
    }
    return token
  }
}
