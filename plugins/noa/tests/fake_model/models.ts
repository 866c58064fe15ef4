import SaveAiModel from '../../ai/actions/save_ai_model.js'
import type { AiModelValues } from '../../ai/validators.js'

/** the values of a model on the fake provider that does everything and is the default for everything */
export function allRoundModelValues(
  baseUrl: string,
  overrides: Partial<AiModelValues> = {}
): AiModelValues {
  return {
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
  }
}

/** a model on the fake provider that does everything and is the default for everything */
export function createAllRoundModel(
  organization: { id: number },
  baseUrl: string,
  overrides: Partial<AiModelValues> = {}
) {
  return new SaveAiModel().execute({
    organizationId: organization.id,
    values: allRoundModelValues(baseUrl, overrides),
  })
}
