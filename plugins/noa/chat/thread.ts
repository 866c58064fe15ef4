import { BaseModel, column, compose, withPublicId } from '#plugin-sdk'
import type { DateTime } from 'luxon'

export type ThreadSource = 'glasses' | 'web'

/** One conversation of one user. Only that user ever reads it. */
export default class Thread extends compose(BaseModel, withPublicId('noa_thread')) {
  static table = 'noa_threads'

  @column({ isPrimary: true, serializeAs: null })
  declare id: number

  @column({ serializeAs: null })
  declare organizationId: number

  @column({ serializeAs: null })
  declare userId: number

  @column()
  declare title: string

  @column()
  declare source: ThreadSource

  @column.dateTime()
  declare lastMessageAt: DateTime

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
