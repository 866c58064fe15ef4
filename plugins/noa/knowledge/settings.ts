import KnowledgeSettingsRow from './knowledge_settings.js'

export type KnowledgeSettings = {
  /** cosine similarity a stored question must reach to count as a match */
  similarityThreshold: number
  /** how many matches retrieval keeps (the best one answers) */
  topK: number
  maxQuestionLength: number
  /** words or phrases the assistant refuses to discuss */
  blockedTopics: string[]
  /** answer only from the base: no match means no model answer either */
  strictMode: boolean
}

/**
 * The threshold is tuned for the built-in embedder: close paraphrases of
 * a stored question score 0.63–0.75, unrelated questions 0.15–0.32 and
 * off-topic questions from the same domain up to 0.59 (measured in
 * docs/noa.md). Remote embedding models spread their scores
 * differently, so an organisation that configures one should re-tune it
 * with the page's "Try a question" box.
 */
export const DEFAULT_SETTINGS: Readonly<KnowledgeSettings> = Object.freeze({
  similarityThreshold: 0.62,
  topK: 3,
  maxQuestionLength: 1000,
  blockedTopics: [],
  strictMode: false,
})

export async function knowledgeSettingsFor(organizationId: number): Promise<KnowledgeSettings> {
  const row = await KnowledgeSettingsRow.findBy('organizationId', organizationId)
  if (!row) return { ...DEFAULT_SETTINGS, blockedTopics: [] }
  return {
    similarityThreshold: row.similarityThreshold,
    topK: row.topK,
    maxQuestionLength: row.maxQuestionLength,
    blockedTopics: row.blockedTopics,
    strictMode: row.strictMode,
  }
}
