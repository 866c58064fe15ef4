import { createHash } from 'node:crypto'
import { pluginCache } from '#plugin-sdk'

/**
 * Verdicts are cached per organisation, embedder and normalised
 * question, so the same question asked again (by the glasses, the web
 * chat or the API) costs neither an embedding call nor a scan, and a
 * change of embeddings model starts afresh. Every change to the
 * organisation's entries or settings drops them all by tag.
 */
const TTL = '24h'
const cache = () => pluginCache('noa')

/** lower case, punctuation gone, whitespace collapsed: "What's  the plan?" → "whats the plan" */
export function normaliseQuestion(question: string): string {
  return question
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

function tagFor(organizationId: number) {
  return `knowledge:${organizationId}`
}

export function cachedAnswer<T>(
  input: { organizationId: number; embedderId: string; question: string },
  factory: () => Promise<T>
): Promise<T> {
  const digest = createHash('sha256')
    .update(`${input.embedderId}\n${normaliseQuestion(input.question)}`)
    .digest('hex')
  return cache().getOrSet({
    key: `knowledge:${input.organizationId}:${digest}`,
    ttl: TTL,
    tags: [tagFor(input.organizationId)],
    factory,
  })
}

/**
 * Forgets every cached verdict of the organisation: after its entries,
 * its settings or its embeddings model change.
 */
export async function forgetKnowledgeAnswers(organizationId: number) {
  await cache().deleteByTag({ tags: [tagFor(organizationId)] })
}
