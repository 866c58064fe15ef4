import type OpenAI from 'openai'
import { modelFailure, sentenceFrom, type CalledModel } from '../../ai/failures.js'
import { EmbeddingFailed, normalise, type Embedder } from './embedder.js'

/** Texts per request: providers cap the input array (OpenAI at 2,048). */
const BATCH_SIZE = 256

/**
 * Embeddings from an OpenAI-compatible `/embeddings` endpoint (OpenAI,
 * Azure, Ollama, llama.cpp, vLLM…). The id names the model and the
 * server, so pointing the organisation at another model re-embeds its
 * base.
 */
export class OpenAiEmbedder implements Embedder {
  readonly id: string
  #dimensions = 0

  constructor(
    private readonly client: OpenAI,
    private readonly model: CalledModel & { apiKey?: string }
  ) {
    this.id = `openai:${model.model}@${model.baseUrl.replace(/\/+$/, '')}`
  }

  /** known after the first call: the provider decides */
  get dimensions() {
    return this.#dimensions
  }

  async embed(texts: string[]): Promise<number[][]> {
    const vectors: number[][] = []
    for (let start = 0; start < texts.length; start += BATCH_SIZE) {
      const response = await this.#request(texts.slice(start, start + BATCH_SIZE))
      const ordered = [...response.data].sort((left, right) => left.index - right.index)
      vectors.push(...ordered.map((item) => normalise(item.embedding)))
    }
    if (vectors.length !== texts.length) {
      throw new EmbeddingFailed(
        `The embeddings model “${this.model.name}” returned ${vectors.length} vectors for ${texts.length} texts`
      )
    }
    this.#dimensions = vectors[0]?.length ?? this.#dimensions
    return vectors
  }

  /**
   * A failure names the model and its class; the provider's words (its
   * body may echo part of the key) go to the server log only.
   */
  async #request(input: string[]) {
    try {
      return await this.client.embeddings.create({
        model: this.model.model,
        input,
        encoding_format: 'float',
      })
    } catch (error) {
      throw new EmbeddingFailed(sentenceFrom(modelFailure(error, 'embeddings', this.model).text))
    }
  }
}
