import { forgetKnowledgeAnswers } from '../answer_cache.js'
import KnowledgeSettingsRow from '../knowledge_settings.js'
import type { KnowledgeSettings } from '../settings.js'

/** Stores the organisation's retrieval settings; cached verdicts made under the old ones go. */
export default class SaveKnowledgeSettings {
  async execute(input: { organizationId: number; settings: KnowledgeSettings }) {
    await KnowledgeSettingsRow.updateOrCreate(
      { organizationId: input.organizationId },
      {
        similarityThreshold: input.settings.similarityThreshold,
        topK: input.settings.topK,
        maxQuestionLength: input.settings.maxQuestionLength,
        blockedTopics: input.settings.blockedTopics,
        strictMode: input.settings.strictMode,
      }
    )
    await forgetKnowledgeAnswers(input.organizationId)
  }
}
