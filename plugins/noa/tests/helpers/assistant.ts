import type Organization from '#models/organization'
import CreateApiToken from '#actions/tokens/create_api_token'
import { CLI_META } from '#services/audit'
import { createAccount, type TestAccount } from '#tests/helpers/accounts'
import SaveAiModel from '../../ai/actions/save_ai_model.js'
import type { AiModelValues } from '../../ai/validators.js'

export const BASE = `http://${process.env.HOST}:${process.env.PORT}`

/** a member with a TOTP factor and an API token, as the Noa app's user would be */
export async function memberWithToken(
  options: { organization?: Organization; role?: 'member' | 'admin' | 'owner' } = {}
): Promise<TestAccount & { token: string }> {
  const account = await createAccount(options)
  const { value } = await new CreateApiToken().execute({
    user: account.user,
    name: 'Noa app',
    abilities: ['read', 'write'],
    expiresInDays: null,
    meta: CLI_META,
  })
  return { ...account, token: value }
}

/** a model on the fake provider that does everything and is the default for everything */
export function createAllRoundModel(
  organization: Organization,
  baseUrl: string,
  overrides: Partial<AiModelValues> = {}
) {
  return new SaveAiModel().execute({
    organizationId: organization.id,
    values: {
      name: 'Fake all-rounder',
      baseUrl,
      apiKey: 'sk-test-not-secret',
      model: 'fake-chat',
      canChat: true,
      canVision: true,
      canTranscribe: true,
      canEmbed: true,
      defaultChat: true,
      defaultVision: true,
      defaultTranscription: true,
      defaultEmbeddings: true,
      ...overrides,
    },
  })
}
