import { BaseModel, column, compose, withPublicId } from '#plugin-sdk'
import type { DateTime } from 'luxon'

/**
 * One question/answer pair of an organisation's knowledge base, under a
 * document title, with the vector its embedder produced (null until
 * embedded).
 */
export default class KnowledgeEntry extends compose(BaseModel, withPublicId('noa_knowledge')) {
  static table = 'noa_knowledge_entries'

  @column({ isPrimary: true, serializeAs: null })
  declare id: number

  @column({ serializeAs: null })
  declare organizationId: number

  @column()
  declare documentTitle: string

  @column()
  declare question: string

  @column()
  declare answer: string

  @column({ serializeAs: null })
  declare embedding: string | null

  @column({ serializeAs: null })
  declare embedderId: string | null

  @column({ serializeAs: null })
  declare embeddingDimensions: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
