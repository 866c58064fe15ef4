import User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { tokenKeyFromPublicId } from '#actions/tokens/list_api_tokens'

/**
 * Deletes one of the user's own tokens (another user's id does nothing).
 */
export default class RevokeApiToken {
  async execute(input: { user: User; tokenPublicId: string; meta: RequestMeta }) {
    const key = tokenKeyFromPublicId(input.tokenPublicId)
    if (key === null) return false
    const token = await User.accessTokens.find(input.user, key)
    if (!token) return false
    await User.accessTokens.delete(input.user, key)
    await recordAudit({
      event: 'token.revoked',
      actorId: input.user.id,
      subject: token.name,
      meta: input.meta,
    })
    return true
  }
}
