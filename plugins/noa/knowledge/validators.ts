import { vine } from '#plugin-sdk'

export const LIMITS = {
  documentTitle: 200,
  question: 1000,
  answer: 5000,
  pairsPerRequest: 200,
} as const

/**
 * A document and its question/answer pairs, as the API receives them
 * (`{document_title, question_answer_data: [{question, answer}]}`) and
 * as the page's form posts them (`question_answer_data[0][question]`…).
 */
export const addKnowledgeValidator = vine.create({
  document_title: vine.string().trim().minLength(1).maxLength(LIMITS.documentTitle),
  question_answer_data: vine
    .array(
      vine.object({
        question: vine.string().trim().minLength(1).maxLength(LIMITS.question),
        answer: vine.string().trim().minLength(1).maxLength(LIMITS.answer),
      })
    )
    .minLength(1)
    .maxLength(LIMITS.pairsPerRequest),
})

export const askKnowledgeValidator = vine.create({
  // blank (null once the body parser trimmed it) and too long are safety
  // refusals with their own answers, not validation errors
  question: vine.string().maxLength(100_000).nullable(),
})

export const listKnowledgeValidator = vine.create({
  search: vine.string().trim().maxLength(200).optional(),
  document: vine.string().trim().maxLength(LIMITS.documentTitle).optional(),
  page: vine.number().withoutDecimals().min(1).max(100_000).optional(),
  perPage: vine.number().withoutDecimals().min(1).max(100).optional(),
})

export const deleteDocumentValidator = vine.create({
  document_title: vine.string().trim().minLength(1).maxLength(LIMITS.documentTitle),
})

/** Blocked topics arrive as one textarea: one per line, or separated by commas. */
const topicList = () =>
  vine
    .string()
    .trim()
    .maxLength(5000)
    .transform((value) => [
      ...new Set(
        value
          .split(/[\n,]+/)
          .map((topic) => topic.trim().replace(/\s+/g, ' ').toLowerCase())
          .filter(Boolean)
      ),
    ])
    .optional()

export const knowledgeSettingsValidator = vine.create({
  similarity_threshold: vine.number().decimal([0, 3]).min(0.05).max(1),
  top_k: vine.number().withoutDecimals().min(1).max(20),
  max_question_length: vine.number().withoutDecimals().min(20).max(10_000),
  blocked_topics: topicList(),
  strict_mode: vine.boolean().optional(),
})
