import type KnowledgeEntry from './knowledge_entry.js'

/** An entry as the API shows it: public id, never the key or the vector. */
export function entryJson(entry: KnowledgeEntry) {
  return {
    id: entry.publicId,
    documentTitle: entry.documentTitle,
    question: entry.question,
    answer: entry.answer,
    createdAt: entry.createdAt.toISO(),
  }
}
