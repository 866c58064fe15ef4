import { ConsultKnowledge, type KnowledgeVerdict } from '../knowledge/consult.js'

export type { KnowledgeVerdict } from '../knowledge/consult.js'

/**
 * The one place the answer pipeline asks the knowledge base about a
 * question (glasses and web chat alike).
 */
export function consultKnowledge(input: {
  organizationId: number
  question: string
}): Promise<KnowledgeVerdict> {
  return new ConsultKnowledge().execute(input)
}
