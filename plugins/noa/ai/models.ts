import { AsyncLocalStorage } from 'node:async_hooks'
import type OpenAI from 'openai'
import { outboundFetch, OutboundRequestRefused } from '#plugin-sdk'
import AiModel, { CAPABILITY_COLUMNS, originOf, type Capability } from './ai_model.js'
import { environment } from '../environment.js'

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
  /** why the stored key may not be sent (the base URL moved to another origin); null when it may */
  keyRefusal: string | null
}

/** how long one call to a model may take before the assistant apologises instead */
export function modelTimeoutMs() {
  return environment.get('NOA_MODEL_TIMEOUT_MS')
}

export function resolveModel(row: AiModel): ResolvedModel {
  const boundTo = row.apiKeyBoundElsewhere
  return {
    id: row.id,
    publicId: row.publicId,
    name: row.name,
    baseUrl: row.baseUrl,
    apiKey: boundTo ? '' : row.openApiKey(),
    keyRefusal: boundTo
      ? `its API key was saved for ${boundTo}, not ${originOf(row.baseUrl)}: type the key again`
      : null,
    model: row.model,
    temperature: row.temperature,
    maxTokens: row.maxTokens,
    systemPrompt: row.systemPrompt,
    capabilities: row.capabilities,
  }
}

/** one organisation's model rows, read once for the whole of one request */
const requestModels = new AsyncLocalStorage<{
  organizationId: number
  rows: () => Promise<AiModel[]>
}>()

/**
 * Runs `work` with the organisation's models read at most once: a glasses
 * request asks for its transcription, chat, embeddings and vision models,
 * which were four statements. The rows live only as long as the request.
 */
export function withOrganizationModels<T>(organizationId: number, work: () => Promise<T>) {
  let rows: Promise<AiModel[]> | null = null
  const read = () =>
    (rows ??= AiModel.query().where('organization_id', organizationId).orderBy('id', 'asc').exec())
  return requestModels.run({ organizationId, rows: read }, work)
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
  const request = requestModels.getStore()
  if (request?.organizationId === organizationId) {
    // the same choice as the query below, over the rows read for this request
    const rows = await request.rows()
    const capable = rows.filter((row) => Boolean(row[columns.can]))
    const chosen = capable.find((row) => Boolean(row[columns.isDefault])) ?? capable[0]
    return chosen ? resolveRemembered(chosen) : null
  }
  const row = await AiModel.query()
    .where('organization_id', organizationId)
    .where(columns.canSql, true)
    .orderBy(columns.defaultSql, 'desc')
    .orderBy('id', 'asc')
    .first()
  return row ? resolveRemembered(row) : null
}

/**
 * Each row resolved (its key decrypted) once per process rather than at
 * every call, and kept while the row's columns are the ones it was
 * resolved from: the row itself is still read on every request (fenced
 * to the organisation), so an edit, a new key or a moved base URL is
 * used by the very next call. Decrypting the key and building the SDK
 * client was ~2% of a glasses request's CPU (docs/performance.md).
 */
const remembered = new Map<number, { columns: string; model: ResolvedModel }>()
const REMEMBERED_ROWS = 500

function resolveRemembered(row: AiModel): ResolvedModel {
  const columns = JSON.stringify([
    row.publicId,
    row.name,
    row.baseUrl,
    row.apiKey,
    row.apiKeyOrigin,
    row.model,
    row.temperature,
    row.maxTokens,
    row.systemPrompt,
    row.capabilities,
  ])
  const known = remembered.get(row.id)
  if (known?.columns === columns) return known.model
  const model = resolveModel(row)
  remembered.delete(row.id)
  if (remembered.size >= REMEMBERED_ROWS) remembered.delete(remembered.keys().next().value!)
  remembered.set(row.id, { columns, model })
  return model
}

let sdk: Promise<typeof import('openai')> | null = null

/**
 * The OpenAI SDK, imported on first use and then kept: an `import()` is
 * not free on every call (under a loader hook, as `npm run dev` and the
 * benchmarks run, each one is a synchronous round trip to the hooks'
 * thread: 16% of a glasses request's CPU, four imports per request).
 */
export function openAiSdk() {
  return (sdk ??= import('openai'))
}

/**
 * An OpenAI client for any OpenAI-compatible provider. Every call goes
 * through the outbound policy (the base URL was typed by a user), and a
 * key bound to another origin is never sent: the call is refused before
 * it leaves. Retries are left to the caller: the glasses wait for an
 * answer, and a slow provider must turn into a short reply naming the
 * failure rather than a long silence. The SDK is imported on first use
 * (~150 modules), so processes that never call a model do not load it.
 */
export async function openAiClientFor(model: ResolvedModel): Promise<OpenAI> {
  // one client per resolved model (so per version of its row) and timeout
  const timeoutMs = modelTimeoutMs()
  const known = clients.get(model)
  if (known?.timeoutMs === timeoutMs) return known.client
  const client = await newClient(model, timeoutMs)
  clients.set(model, { timeoutMs, client })
  return client
}

const clients = new WeakMap<ResolvedModel, { timeoutMs: number; client: OpenAI }>()

async function newClient(model: ResolvedModel, timeoutMs: number): Promise<OpenAI> {
  const keyRefusal = model.keyRefusal
  const { default: OpenAIClient } = await openAiSdk()
  return new OpenAIClient({
    baseURL: model.baseUrl,
    // the SDK insists on a key; without one (a local server) no Authorization header is sent at all
    apiKey: model.apiKey || 'not-needed',
    ...(model.apiKey ? {} : { defaultHeaders: { Authorization: null } }),
    timeout: timeoutMs,
    maxRetries: 0,
    fetch: keyRefusal
      ? async () => {
          throw new OutboundRequestRefused(keyRefusal)
        }
      : outboundFetch,
  })
}
