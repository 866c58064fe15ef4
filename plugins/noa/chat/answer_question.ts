import type OpenAI from 'openai'
import {
  defaultModelFor,
  modelTimeoutMs,
  openAiClientFor,
  type ResolvedModel,
} from '../ai/models.js'
import { EmptyModelReply, failureReply, modelFailure, type ModelRole } from '../ai/failures.js'
import { logger } from '#plugin-sdk'
import { HISTORY_LIMIT, type ChatTurn, type InlineImage } from './conversation.js'
import { consultKnowledge, type KnowledgeVerdict } from './knowledge_gate.js'

export type AnswerChannel = 'glasses' | 'web'

export type AnswerInput = {
  organizationId: number
  channel: AnswerChannel
  prompt: string
  history: ChatTurn[]
  image?: InlineImage | null
  location?: string | null
  localTime?: string | null
  /** the user's own instructions from the Noa app, below the organisation's prompt */
  instructions?: string | null
  /** the Noa app's temperature, which wins over the model's setting */
  temperature?: number | null
  /** called with each piece of the reply as the model produces it (web chat) */
  onDelta?: (text: string) => void
}

export type Answer = {
  message: string
  /** false when the reply is an apology standing in for a failed call */
  ok: boolean
  /**
   * what went wrong, for the record: the model and the class of failure,
   * never the provider's own words (those are in the server log)
   */
  error: string | null
  modelName: string | null
  /** where the reply came from */
  source: 'model' | 'knowledge' | 'none'
  /** "<role>:<kind>" when the reply stands in for a failure (chat:http, transcription:timeout, none:no_model) */
  failure: string | null
}
export const NO_MODEL_MESSAGE =
  'No AI model is set up for this organisation yet. An administrator can add one on the AI models page.'

const DEFAULT_SYSTEM_PROMPT =
  'You are Noa, a helpful assistant. Answer accurately and say so when you do not know.'
const GLASSES_STYLE =
  'The answer is shown on smart glasses with a tiny display: keep it to one to three short sentences, plain text, no markdown.'

function systemContext(input: AnswerInput, model: ResolvedModel, verdict: KnowledgeVerdict) {
  const lines = [model.systemPrompt?.trim() || DEFAULT_SYSTEM_PROMPT]
  if (input.channel === 'glasses') lines.push(GLASSES_STYLE)
  if (input.instructions?.trim()) {
    lines.push(`The user set these instructions in their Noa app:\n${input.instructions.trim()}`)
  }
  if (input.location?.trim()) lines.push(`The user's current location: ${input.location.trim()}.`)
  if (input.localTime?.trim()) lines.push(`The user's local time: ${input.localTime.trim()}.`)
  if (input.image && !model.capabilities.includes('vision')) {
    lines.push(
      'The user took a photo, but no model that can see images is set up: say so if it matters.'
    )
  }
  if (verdict.kind === 'match') {
    lines.push(
      'Ground your answer on this entry of the organisation\u2019s knowledge base ' +
        `(document "${verdict.documentTitle}"). Question: ${verdict.question}\nAnswer: ${verdict.answer}`
    )
  }
  return lines.join('\n\n')
}

function userContent(
  prompt: string,
  image: InlineImage | null | undefined,
  model: ResolvedModel
): OpenAI.Chat.ChatCompletionUserMessageParam['content'] {
  if (!image || !model.capabilities.includes('vision')) return prompt
  return [
    { type: 'text', text: prompt },
    { type: 'image_url', image_url: { url: image.dataUrl } },
  ]
}

/**
 * One reply to one question, for the glasses and the web chat alike: the
 * knowledge base is consulted first (it may refuse, answer or ground the
 * model), then the organisation's model answers with the user's location
 * and time in its context. A model that fails or is too slow yields a
 * reply naming the model and the failure (logged with the provider's own
 * words), never an exception.
 */
export default class AnswerQuestion {
  constructor(
    private consult: (input: {
      organizationId: number
      question: string
    }) => Promise<KnowledgeVerdict> = consultKnowledge
  ) {}

  async execute(input: AnswerInput): Promise<Answer> {
    const verdict = await this.consult({
      organizationId: input.organizationId,
      question: input.prompt,
    }).catch((error: unknown): KnowledgeVerdict => {
      // the knowledge base is a help, not a precondition: answer without it, and say why in the log
      logger.warn(
        { plugin: 'noa', error: String((error as Error)?.message ?? error).slice(0, 500) },
        'noa: the knowledge base could not be consulted'
      )
      return { kind: 'no_knowledge' }
    })

    if (verdict.kind === 'refused') {
      return this.#fixed(input, verdict.message)
    }
    if (verdict.kind === 'no_match' && verdict.strict) {
      // the knowledge base's message already offers its sample questions
      return this.#fixed(input, verdict.message)
    }

    const visionModel = input.image ? await defaultModelFor(input.organizationId, 'vision') : null
    const model = visionModel ?? (await defaultModelFor(input.organizationId, 'chat'))
    const role: ModelRole = visionModel ? 'vision' : 'chat'
    if (!model) {
      if (verdict.kind === 'match') return this.#fixed(input, verdict.answer)
      input.onDelta?.(NO_MODEL_MESSAGE)
      return {
        message: NO_MODEL_MESSAGE,
        ok: false,
        error: 'No chat model is configured',
        modelName: null,
        source: 'none',
        failure: 'none:no_model',
      }
    }

    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: 'system', content: systemContext(input, model, verdict) },
      ...input.history.slice(-HISTORY_LIMIT),
      { role: 'user', content: userContent(input.prompt, input.image, model) },
    ]
    // One deadline for the whole call: the client's own timeout covers
    // waiting for headers, this one a stream that stalls half-way.
    const deadline = new AbortController()
    const timer = setTimeout(() => deadline.abort(), modelTimeoutMs())
    try {
      const reply = await this.#complete(model, messages, input, deadline.signal)
      if (reply.trim() === '') throw new EmptyModelReply()
      return {
        message: reply,
        ok: true,
        error: null,
        modelName: model.name,
        source: 'model',
        failure: null,
      }
    } catch (error) {
      const failed = modelFailure(error, role, model, { timedOut: deadline.signal.aborted })
      const failure = `${role}:${failed.failure.kind}`
      // the knowledge base's own answer beats a reply about the failure
      if (verdict.kind === 'match') {
        input.onDelta?.(verdict.answer)
        return {
          message: verdict.answer,
          ok: true,
          error: failed.text,
          modelName: model.name,
          source: 'knowledge',
          failure,
        }
      }
      const message = failureReply(failed, 'answer')
      input.onDelta?.(message)
      return {
        message,
        ok: false,
        error: failed.text,
        modelName: model.name,
        source: 'model',
        failure,
      }
    } finally {
      clearTimeout(timer)
    }
  }

  #fixed(input: AnswerInput, message: string): Answer {
    input.onDelta?.(message)
    return { message, ok: true, error: null, modelName: null, source: 'knowledge', failure: null }
  }

  async #complete(
    model: ResolvedModel,
    messages: OpenAI.Chat.ChatCompletionMessageParam[],
    input: AnswerInput,
    signal: AbortSignal
  ) {
    const client = await openAiClientFor(model)
    const temperature = input.temperature ?? null
    const onDelta = input.onDelta
    const params = {
      model: model.model,
      messages,
      ...((temperature ?? model.temperature) !== null
        ? { temperature: temperature ?? model.temperature }
        : {}),
      ...(model.maxTokens !== null ? { max_tokens: model.maxTokens } : {}),
    }
    if (!onDelta) {
      const completion = await client.chat.completions.create(params, { signal })
      return completion.choices[0]?.message?.content ?? ''
    }
    const stream = await client.chat.completions.create({ ...params, stream: true }, { signal })
    let reply = ''
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta?.content ?? ''
      if (piece) {
        reply += piece
        onDelta(piece)
      }
    }
    return reply
  }
}
