import { publicIds } from '#services/public_id'
import User from '#models/user'

const tokenIds = publicIds('access_token')

/**
 * A user's tokens for the settings page (never their values).
 */
export default class ListApiTokens {
  async execute(user: User) {
    const tokens = await User.accessTokens.all(user)
    return tokens.map((token) => ({
      publicId: tokenIds.encode(Number(token.identifier)),
      name: token.name,
      abilities: token.abilities,
      createdAt: token.createdAt,
      lastUsedAt: token.lastUsedAt,
      expiresAt: token.expiresAt,
      isExpired: token.isExpired(),
    }))
  }
}

export function tokenKeyFromPublicId(publicId: string) {
  return tokenIds.decode(publicId)
}
