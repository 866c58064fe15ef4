import { checkOutboundUrl, db, OutboundRequestRefused } from '#plugin-sdk'
import AiModel, { CAPABILITIES, CAPABILITY_COLUMNS, originOf } from '../ai_model.js'
import type { AiModelValues } from '../validators.js'

export class AiModelRefused extends Error {
  constructor(
    readonly field: string,
    message: string
  ) {
    super(message)
    this.name = 'AiModelRefused'
  }
}

/** The base URL must be one the outbound policy lets the server call. */
async function checkBaseUrl(baseUrl: string) {
  try {
    await checkOutboundUrl(baseUrl)
  } catch (error) {
    if (!(error instanceof OutboundRequestRefused)) throw error
    throw new AiModelRefused(
      'baseUrl',
      `This address is ${error.message}. (The operator can allow a model server on your own network with OUTBOUND_ALLOWED_HOSTS.)`
    )
  }
}

/**
 * A stored key goes only where it was typed for: moving the model to
 * another origin (scheme, host, port) needs the key typed again, or the
 * stored one removed.
 */
function checkKeyStaysWithOrigin(model: AiModel | null | undefined, values: AiModelValues) {
  if (!model?.apiKey || values.apiKey || values.clearApiKey) return
  const savedFor = model.apiKeyOrigin ?? originOf(model.baseUrl)
  const pointsTo = originOf(values.baseUrl)
  if (savedFor === pointsTo) return
  throw new AiModelRefused(
    'apiKey',
    `The base URL now points to ${pointsTo}, but the stored key was saved for ${savedFor}: type the API key again for the new address, or tick “Remove the stored key”.`
  )
}

/**
 * Creates or updates an organisation's model. A model marked default for
 * a capability takes that place from the others; a model can only be the
 * default for what it can do. Key sealing needs the row id, so it all
 * happens in one transaction.
 */
export default class SaveAiModel {
  async execute(input: {
    organizationId: number
    model?: AiModel | null
    values: AiModelValues
  }): Promise<AiModel> {
    const { values } = input
    const can = {
      chat: Boolean(values.canChat),
      vision: Boolean(values.canVision),
      transcription: Boolean(values.canTranscribe),
      embeddings: Boolean(values.canEmbed),
    }
    if (!CAPABILITIES.some((capability) => can[capability])) {
      throw new AiModelRefused('canChat', 'Choose at least one capability')
    }
    checkKeyStaysWithOrigin(input.model, values)
    await checkBaseUrl(values.baseUrl)
    const isDefault = {
      chat: Boolean(values.defaultChat) && can.chat,
      vision: Boolean(values.defaultVision) && can.vision,
      transcription: Boolean(values.defaultTranscription) && can.transcription,
      embeddings: Boolean(values.defaultEmbeddings) && can.embeddings,
    }
    return db.transaction(async (trx) => {
      const model = input.model ?? new AiModel()
      model.useTransaction(trx)
      model.merge({
        organizationId: input.organizationId,
        name: values.name,
        baseUrl: values.baseUrl.replace(/\/+$/, ''),
        model: values.model,
        canChat: can.chat,
        canVision: can.vision,
        canTranscribe: can.transcription,
        canEmbed: can.embeddings,
        defaultChat: isDefault.chat,
        defaultVision: isDefault.vision,
        defaultTranscription: isDefault.transcription,
        defaultEmbeddings: isDefault.embeddings,
        temperature: values.temperature ?? null,
        maxTokens: values.maxTokens ?? null,
        systemPrompt: values.systemPrompt || null,
      })
      await model.save()
      if (values.apiKey) model.sealApiKey(values.apiKey)
      else if (values.clearApiKey) model.sealApiKey(null)
      await model.save()
      for (const capability of CAPABILITIES) {
        if (!isDefault[capability]) continue
        await trx
          .from('noa_ai_models')
          .where('organization_id', input.organizationId)
          .whereNot('id', model.id)
          .update({ [CAPABILITY_COLUMNS[capability].defaultSql]: false })
      }
      return model
    })
  }
}
