/**
 * Chat completion, provider-neutral: "answer these messages with the
 * organisation's chat model". A plugin that holds an organisation's
 * model configuration (the Noa assistant's AI models) offers it; core
 * features (the daily narrative of "What changed") ask for a completion
 * without knowing which plugin or provider answers.
 */
export type ChatCompletionMessage = { role: 'system' | 'user'; content: string }

export type ChatCompletionRequest = {
  organizationId: number
  messages: ChatCompletionMessage[]
  /** an upper bound on the answer's length; the model's own setting when lower */
  maxTokens?: number
}

export type ChatCompletionAnswer = {
  text: string
  /** what users see as the model that wrote it ("GPT-4o mini (gpt-4o-mini)") */
  model: string
}

export type PluginChatCompletion = {
  /**
   * The organisation's chat model as users know it, or null when it has
   * none: the core then goes without instead of calling `complete`.
   */
  modelFor(organizationId: number): Promise<string | null>
  /**
   * One completion through the outbound policy. Throws on failure with a
   * message fit for users (never the provider's answer, never the key).
   */
  complete(request: ChatCompletionRequest): Promise<ChatCompletionAnswer>
}
