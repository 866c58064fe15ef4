import type Organization from '#models/organization'
import CreateApiToken from '#actions/tokens/create_api_token'
import { CLI_META } from '#services/audit'
import { createAccount, type TestAccount } from '#tests/helpers/accounts'

/** a member with a TOTP factor and an API token, as the Noa app's user would be */
export async function memberWithToken(
  options: { organization?: Organization; role?: 'member' | 'admin' | 'owner' } = {}
): Promise<TestAccount & { token: string }> {
  const account = await createAccount(options)
  const { value } = await new CreateApiToken().execute({
    user: account.user,
    membership: account.membership,
    name: 'Noa app',
    abilities: ['read', 'write', 'assistant'],
    expiresInDays: null,
    meta: CLI_META,
  })
  return { ...account, token: value }
}

export { createAllRoundModel } from '../fake_model/models.js'
