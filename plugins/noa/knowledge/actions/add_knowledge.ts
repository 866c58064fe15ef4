import { db } from '#plugin-sdk'
import { forgetKnowledgeAnswers } from '../answer_cache.js'
import { embedderFor } from '../embedders/embedder_for.js'
import { embeddingColumns, entryText } from '../entries.js'
import KnowledgeEntry from '../knowledge_entry.js'

export type QuestionAnswer = { question: string; answer: string }

/**
 * Adds a document's question/answer pairs to the organisation's base.
 * They are embedded before anything is written, so a failing embeddings
 * model leaves the base as it was, and all pairs are stored together or
 * none is.
 */
export default class AddKnowledge {
  async execute(input: {
    organizationId: number
    documentTitle: string
    pairs: QuestionAnswer[]
  }): Promise<KnowledgeEntry[]> {
    const embedder = await embedderFor(input.organizationId)
    const vectors = await embedder.embed(input.pairs.map((pair) => entryText(pair)))
    const entries = await db.transaction(async (trx) =>
      KnowledgeEntry.createMany(
        input.pairs.map((pair, index) => ({
          organizationId: input.organizationId,
          documentTitle: input.documentTitle,
          question: pair.question,
          answer: pair.answer,
          ...embeddingColumns(vectors[index], embedder),
        })),
        { client: trx }
      )
    )
    await forgetKnowledgeAnswers(input.organizationId)
    return entries
  }
}
