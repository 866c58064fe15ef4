import { vine } from '#plugin-sdk'

const flag = () => vine.boolean().optional()

/**
 * The AI model form. Capabilities and defaults are checkboxes; a blank
 * API key on edit keeps the stored one (clearApiKey removes it).
 */
export const aiModelValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(100),
  baseUrl: vine
    .string()
    .trim()
    .maxLength(500)
    .url({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }),
  apiKey: vine.string().trim().maxLength(2000).optional(),
  clearApiKey: flag(),
  model: vine.string().trim().minLength(1).maxLength(200),
  canChat: flag(),
  canVision: flag(),
  canTranscribe: flag(),
  canEmbed: flag(),
  defaultChat: flag(),
  defaultVision: flag(),
  defaultTranscription: flag(),
  defaultEmbeddings: flag(),
  temperature: vine.number().min(0).max(2).optional(),
  maxTokens: vine.number().withoutDecimals().min(1).max(1_000_000).optional(),
  systemPrompt: vine.string().trim().maxLength(10_000).optional(),
})

export type AiModelValues = Awaited<ReturnType<typeof aiModelValidator.validate>>
