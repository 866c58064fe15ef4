import { BaseModel, column, compose, secretBox, withPublicId } from '#plugin-sdk'
import type { DateTime } from 'luxon'

export const CAPABILITIES = ['chat', 'vision', 'transcription', 'embeddings'] as const
export type Capability = (typeof CAPABILITIES)[number]

/** the column that says a model can do a capability, and the one that makes it the default */
export const CAPABILITY_COLUMNS = {
  chat: {
    can: 'canChat',
    isDefault: 'defaultChat',
    canSql: 'can_chat',
    defaultSql: 'default_chat',
  },
  vision: {
    can: 'canVision',
    isDefault: 'defaultVision',
    canSql: 'can_vision',
    defaultSql: 'default_vision',
  },
  transcription: {
    can: 'canTranscribe',
    isDefault: 'defaultTranscription',
    canSql: 'can_transcribe',
    defaultSql: 'default_transcription',
  },
  embeddings: {
    can: 'canEmbed',
    isDefault: 'defaultEmbeddings',
    canSql: 'can_embed',
    defaultSql: 'default_embeddings',
  },
} as const

/** scheme, host and port: what a stored API key is bound to */
export function originOf(url: string): string | null {
  return URL.canParse(url) ? new URL(url).origin : null
}

/**
 * An OpenAI-compatible model an organisation configured. The API key is
 * sealed at rest, bound to this row, so it can only be set once the row
 * has an id; and it is bound to the origin of the base URL it was typed
 * for, so pointing the model elsewhere never takes the key along.
 */
export default class AiModel extends compose(BaseModel, withPublicId('noa_model')) {
  static table = 'noa_ai_models'

  @column({ isPrimary: true, serializeAs: null })
  declare id: number

  @column({ serializeAs: null })
  declare organizationId: number

  @column()
  declare name: string

  @column()
  declare baseUrl: string

  @column({ serializeAs: null })
  declare apiKey: string | null

  /** the origin the key was typed for; it is sent nowhere else */
  @column({ serializeAs: null })
  declare apiKeyOrigin: string | null

  @column()
  declare model: string

  @column({ consume: Boolean })
  declare canChat: boolean

  @column({ consume: Boolean })
  declare canVision: boolean

  @column({ consume: Boolean })
  declare canTranscribe: boolean

  @column({ consume: Boolean })
  declare canEmbed: boolean

  @column({ consume: Boolean })
  declare defaultChat: boolean

  @column({ consume: Boolean })
  declare defaultVision: boolean

  @column({ consume: Boolean })
  declare defaultTranscription: boolean

  @column({ consume: Boolean })
  declare defaultEmbeddings: boolean

  @column({ consume: (value) => (value === null ? null : Number(value)) })
  declare temperature: number | null

  @column()
  declare maxTokens: number | null

  @column()
  declare systemPrompt: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  get capabilities(): Capability[] {
    return CAPABILITIES.filter((capability) => this[CAPABILITY_COLUMNS[capability].can])
  }

  get defaults(): Capability[] {
    return CAPABILITIES.filter((capability) => this[CAPABILITY_COLUMNS[capability].isDefault])
  }

  get hasApiKey() {
    return Boolean(this.apiKey)
  }

  /**
   * The origin the stored key belongs to, when the base URL now points
   * somewhere else (the key must then not be sent); null when it matches.
   */
  get apiKeyBoundElsewhere(): string | null {
    if (!this.apiKey) return null
    return this.apiKeyOrigin === originOf(this.baseUrl)
      ? null
      : (this.apiKeyOrigin ?? 'an address that was not recorded')
  }

  /** the decrypted key, or an empty string for providers that need none (a local server) */
  openApiKey(): string {
    if (!this.apiKey) return ''
    return secretBox().open(this.apiKey, this.#purpose())
  }

  /** seals the key for the model's current base URL, and only for it */
  sealApiKey(value: string | null) {
    this.apiKey = value ? secretBox().seal(value, this.#purpose()) : null
    this.apiKeyOrigin = value ? originOf(this.baseUrl) : null
  }

  #purpose() {
    if (!this.id) throw new Error('An AI model must be saved before its API key is sealed')
    return { table: 'noa_ai_models', column: 'api_key', rowId: this.id }
  }
}
