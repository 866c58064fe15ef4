import { defaultModelFor, openAiClientFor } from '../../ai/models.js'
import type { Embedder } from './embedder.js'
import { LocalEmbedder } from './local_embedder.js'
import { OpenAiEmbedder } from './openai_embedder.js'

const local = new LocalEmbedder()

/**
 * The organisation's embeddings model when it configured one, else the
 * model shipped with Sextant, which needs no service.
 */
export async function embedderFor(organizationId: number): Promise<Embedder> {
  const model = await defaultModelFor(organizationId, 'embeddings')
  if (!model) return local
  return new OpenAiEmbedder(await openAiClientFor(model), model)
}
