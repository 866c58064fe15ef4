import { cachedAnswer } from './answer_cache.js'
import type { Embedder } from './embedders/embedder.js'
import { embedderFor } from './embedders/embedder_for.js'
import { currentVectors, sampleQuestions } from './entries.js'
import { checkQuestionSafety } from './safety.js'
import { knowledgeSettingsFor, type KnowledgeSettings } from './settings.js'
import { topMatches } from './vectors.js'

/**
 * What the knowledge base says about a question:
 * - refused: a safety check failed; the reply is `message`, nothing else runs
 * - match: a stored question means the same; its answer answers (or grounds the model).
 *   `related` holds the next best pairs above the threshold (top-k minus one), best first
 * - no_match: nothing close enough; `message` says so and offers `sampleQuestions`.
 *   With `strict` the assistant answers only from the base, so this is the reply
 * - no_knowledge: the organisation has no entries; the model answers normally
 */
export type KnowledgeVerdict =
  | {
      kind: 'refused'
      reason: 'empty' | 'too_long' | 'prompt_injection' | 'blocked_topic'
      message: string
    }
  | ({ kind: 'match'; related: KnowledgeMatch[] } & KnowledgeMatch)
  | { kind: 'no_match'; message: string; sampleQuestions: string[]; strict: boolean }
  | { kind: 'no_knowledge' }

/** A stored pair close enough to the question. */
export type KnowledgeMatch = {
  answer: string
  question: string
  documentTitle: string
  similarity: number
}

const SAMPLE_COUNT = 3

function noMatchMessage(samples: string[]) {
  const intro = 'I could not find an answer to that in the knowledge base.'
  if (samples.length === 0) return intro
  return `${intro} You could ask, for example: ${samples.map((sample) => `“${sample}”`).join(', ')}.`
}

/**
 * The retrieval every assistant question goes through: safety checks
 * first, then the most similar stored questions above the organisation's
 * threshold. Glasses, web chat and the API call the same code.
 */
export class ConsultKnowledge {
  async execute(input: { organizationId: number; question: string }): Promise<KnowledgeVerdict> {
    const settings = await knowledgeSettingsFor(input.organizationId)
    const refusal = checkQuestionSafety(input.question, settings)
    if (refusal) return { kind: 'refused', ...refusal }
    const embedder = await embedderFor(input.organizationId)
    return cachedAnswer({ ...input, embedderId: embedder.id }, () =>
      this.#retrieve(input.organizationId, input.question.trim(), settings, embedder)
    )
  }

  async #retrieve(
    organizationId: number,
    question: string,
    settings: KnowledgeSettings,
    embedder: Embedder
  ): Promise<KnowledgeVerdict> {
    const entries = await currentVectors(organizationId, embedder)
    if (entries.length === 0) return { kind: 'no_knowledge' }
    const [query] = await embedder.embed([question])
    const [best, ...related] = topMatches(query, entries, (entry) => entry.vector, {
      k: settings.topK,
      threshold: settings.similarityThreshold,
    }).map(({ item, similarity }) => ({
      answer: item.answer,
      question: item.question,
      documentTitle: item.documentTitle,
      similarity: Math.round(similarity * 1000) / 1000,
    }))
    if (best) return { kind: 'match', ...best, related }
    const samples = await sampleQuestions(organizationId, SAMPLE_COUNT)
    return {
      kind: 'no_match',
      message: noMatchMessage(samples),
      sampleQuestions: samples,
      strict: settings.strictMode,
    }
  }
}
