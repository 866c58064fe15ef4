import { BaseModel, column, compose, withPublicId } from '#plugin-sdk'
import type { DateTime } from 'luxon'

export type MessageRole = 'user' | 'assistant'
export type MessageStatus = 'ok' | 'pending' | 'streaming' | 'failed'

/**
 * One turn of a thread. A reply that could not be produced is kept as a
 * failed assistant message: the apology the user saw, plus the error.
 */
export default class Message extends compose(BaseModel, withPublicId('noa_message')) {
  static table = 'noa_messages'

  @column({ isPrimary: true, serializeAs: null })
  declare id: number

  @column({ serializeAs: null })
  declare threadId: number

  @column()
  declare role: MessageRole

  @column()
  declare content: string

  @column({ columnName: 'image_base64', serializeAs: null })
  declare imageBase64: string | null

  @column()
  declare imageType: string | null

  @column()
  declare location: string | null

  @column()
  declare localTime: string | null

  @column()
  declare status: MessageStatus

  @column()
  declare error: string | null

  @column()
  declare modelName: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  get imageDataUrl(): string | null {
    return this.imageBase64 && this.imageType
      ? `data:${this.imageType};base64,${this.imageBase64}`
      : null
  }
}
