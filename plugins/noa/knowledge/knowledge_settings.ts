import { BaseModel, column } from '#plugin-sdk'
import type { DateTime } from 'luxon'

/** An organisation's retrieval settings; absent until an admin saves them. */
export default class KnowledgeSettingsRow extends BaseModel {
  static table = 'noa_knowledge_settings'

  @column({ isPrimary: true, serializeAs: null })
  declare id: number

  @column({ serializeAs: null })
  declare organizationId: number

  @column({ consume: (value) => Number(value) })
  declare similarityThreshold: number

  @column()
  declare topK: number

  @column()
  declare maxQuestionLength: number

  @column({
    prepare: (value: string[]) => JSON.stringify(value),
    consume: (value: string) => (typeof value === 'string' ? JSON.parse(value) : value),
  })
  declare blockedTopics: string[]

  @column({ consume: Boolean })
  declare strictMode: boolean

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
