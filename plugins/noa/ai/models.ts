import OpenAI from 'openai'
import AiModel, { CAPABILITY_COLUMNS, type Capability } from './ai_model.js'

export type { Capability } from './ai_model.js'

/**
 * A configured model ready to call: what the pipeline, the knowledge
 * base and the Test button need, with the API key decrypted in memory.
 */
export type ResolvedModel = {
  id: number
  publicId: string
  name: string
  baseUrl: string
  apiKey: string
  model: string
  temperature: number | null
  maxTokens: number | null
  systemPrompt: string | null
  capabilities: Capability[]
}

/** how long one call to a model may take before the assistant apologises instead */
export function modelTimeoutMs() {
  return Number(process.env.NOA_MODEL_TIMEOUT_MS ?? 30_000)
}

export function resolveModel(row: AiModel): ResolvedModel {
  return {
    id: row.id,
    publicId: row.publicId,
    name: row.name,
    baseUrl: row.baseUrl,
    apiKey: row.openApiKey(),
    model: row.model,
    temperature: row.temperature,
    maxTokens: row.maxTokens,
    systemPrompt: row.systemPrompt,
    capabilities: row.capabilities,
  }
}

/**
 * The organisation's model for a capability: the one marked default,
 * else the oldest model that has the capability, else null.
 */
export async function defaultModelFor(
  organizationId: number,
  capability: Capability
): Promise<ResolvedModel | null> {
  const columns = CAPABILITY_COLUMNS[capability]
  const row = await AiModel.query()
    .where('organization_id', organizationId)
    .where(columns.canSql, true)
    .orderBy(columns.defaultSql, 'desc')
    .orderBy('id', 'asc')
    .first()
  return row ? resolveModel(row) : null
}

/**
 * An OpenAI client for any OpenAI-compatible provider. Retries are left
 * to the caller: the glasses wait for an answer, and a slow provider must
 * turn into a short apology rather than a long silence.
 */
export function openAiClientFor(model: ResolvedModel): OpenAI {
  return new OpenAI({
    baseURL: model.baseUrl,
    // the SDK insists on a key; local servers (Ollama, llama.cpp) ignore it
    apiKey: model.apiKey || 'not-needed',
    timeout: modelTimeoutMs(),
    maxRetries: 0,
  })
}
