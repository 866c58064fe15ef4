import type { Embedder } from './embedders/embedder.js'
import KnowledgeEntry from './knowledge_entry.js'
import { decodeVector, encodeVector } from './vectors.js'

export type EmbeddedEntry = {
  question: string
  answer: string
  documentTitle: string
  vector: Float32Array
}

/**
 * The text an entry is embedded from: its question alone. A user's
 * question is compared with the stored question; adding the document
 * title or the answer pulled the vectors toward their wording and made
 * paraphrases score lower with the built-in model (docs/noa.md
 * has the measurements).
 */
export function entryText(entry: { question: string }) {
  return entry.question
}

/** The columns that record a vector and who made it. */
export function embeddingColumns(vector: number[], embedder: Embedder) {
  return {
    embedding: encodeVector(vector),
    embedderId: embedder.id,
    embeddingDimensions: vector.length,
  }
}

/**
 * The organisation's entries with vectors from this embedder. Entries
 * embedded by another one (the organisation changed its embeddings
 * model) or not yet embedded are embedded now and saved, so the change
 * costs one pass.
 */
export async function currentVectors(
  organizationId: number,
  embedder: Embedder
): Promise<EmbeddedEntry[]> {
  const entries = await KnowledgeEntry.query()
    .where('organization_id', organizationId)
    .orderBy('id')
  const stale = entries.filter((entry) => entry.embedderId !== embedder.id || !entry.embedding)
  if (stale.length > 0) {
    const vectors = await embedder.embed(stale.map(entryText))
    for (const [index, entry] of stale.entries()) {
      entry.merge(embeddingColumns(vectors[index], embedder))
      await entry.save()
    }
  }
  return entries.map((entry) => ({
    question: entry.question,
    answer: entry.answer,
    documentTitle: entry.documentTitle,
    vector: decodeVector(entry.embedding!),
  }))
}

/**
 * Questions to suggest when nothing matched: one from each document in
 * turn, oldest first, so the suggestions show the breadth of the base.
 */
export async function sampleQuestions(organizationId: number, count: number): Promise<string[]> {
  const rows = await KnowledgeEntry.query()
    .where('organization_id', organizationId)
    .select('document_title', 'question')
    .orderBy('id')
    .limit(500)
  const byDocument = new Map<string, string[]>()
  for (const row of rows) {
    const list = byDocument.get(row.documentTitle) ?? []
    list.push(row.question)
    byDocument.set(row.documentTitle, list)
  }
  const samples: string[] = []
  for (let round = 0; samples.length < count; round++) {
    const before = samples.length
    for (const questions of byDocument.values()) {
      if (round < questions.length && samples.length < count) samples.push(questions[round])
    }
    if (samples.length === before) break
  }
  return samples
}
