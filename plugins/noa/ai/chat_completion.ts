import type { ChatCompletionRequest, PluginChatCompletion } from '#plugin-sdk'
import { EmptyModelReply, modelFailure, sentenceFrom } from './failures.js'
import { defaultModelFor, openAiClientFor, type ResolvedModel } from './models.js'

/** "GPT-4o mini (gpt-4o-mini)": the name the administrator gave and the provider's model id */
function displayName(model: ResolvedModel) {
  return model.name === model.model ? model.name : `${model.name} (${model.model})`
}

/**
 * The assistant's chat model, offered to the core (the daily narrative
 * of "What changed"): the organisation's default chat model, called
 * through the outbound policy like the web chat calls it. Temperature 0:
 * a daily explanation of figures should not vary from run to run.
 */
export const chatCompletion: PluginChatCompletion = {
  async modelFor(organizationId) {
    const model = await defaultModelFor(organizationId, 'chat')
    return model ? displayName(model) : null
  },

  async complete(request: ChatCompletionRequest) {
    const model = await defaultModelFor(request.organizationId, 'chat')
    if (!model) throw new Error('No chat model is configured (Assistant → AI models)')
    const limits = [request.maxTokens, model.maxTokens].filter(
      (value): value is number => typeof value === 'number' && value > 0
    )
    try {
      const client = await openAiClientFor(model)
      const completion = await client.chat.completions.create({
        model: model.model,
        temperature: 0,
        ...(limits.length ? { max_tokens: Math.min(...limits) } : {}),
        messages: request.messages,
      })
      const text = (completion.choices[0]?.message?.content ?? '').trim()
      if (!text) throw new EmptyModelReply()
      return { text, model: displayName(model) }
    } catch (error) {
      // the provider's words go to the log only; the caller stores this sentence
      throw new Error(sentenceFrom(modelFailure(error, 'chat', model).text), { cause: error })
    }
  },
}
