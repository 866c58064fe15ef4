import { pluginRegistry } from '#services/plugins/registry'
import type { ChatCompletionMessage } from '#plugin-sdk/chat_completion'

/** an organisation's chat model, as a plugin offers it */
export type ChatModel = {
  /** what users see as the model that wrote a text */
  name: string
  complete(messages: ChatCompletionMessage[], options?: { maxTokens?: number }): Promise<string>
}

/**
 * The chat model of the first plugin that offers chat completions
 * (PluginDefinition.chatCompletion) and has one configured for the
 * organisation, or null: the core never names the plugin (today the Noa
 * assistant's AI models).
 */
export async function chatModelFor(organizationId: number): Promise<ChatModel | null> {
  await pluginRegistry.load()
  for (const plugin of pluginRegistry.loaded()) {
    const offered = plugin.definition.chatCompletion
    if (!offered) continue
    const name = await offered.modelFor(organizationId)
    if (!name) continue
    return {
      name,
      async complete(messages, options = {}) {
        const answer = await offered.complete({
          organizationId,
          messages,
          maxTokens: options.maxTokens,
        })
        return answer.text
      },
    }
  }
  return null
}
