import {
  describeOutboundFailure,
  logger,
  outboundFailureText,
  type OutboundFailure,
} from '#plugin-sdk'
import { modelTimeoutMs } from './models.js'

/** The model answered, but with nothing to show: not the provider's failure, nor a network one. */
export class EmptyModelReply extends Error {
  constructor() {
    super('The model returned an empty reply')
    this.name = 'EmptyModelReply'
  }
}

/** what the model was asked to do, as a user would say it */
export type ModelRole = 'chat' | 'vision' | 'transcription' | 'embeddings' | 'topic detection'

/** the model a call went to: enough to name it, never its key */
export type CalledModel = { publicId: string; name: string; model: string; baseUrl: string }

/**
 * A failed call to a model, in two forms: `text` names the model and the
 * class of failure for people ("the chat model “GPT” answered HTTP 401:
 * check the key or token"), and never quotes what the provider wrote;
 * the provider's own words go to the server log only.
 */
export type ModelFailure = {
  role: ModelRole
  modelName: string
  failure: OutboundFailure
  text: string
}

/** "the chat model “GPT” answered HTTP 401: check the key or token" */
function failureText(role: ModelRole, model: CalledModel, failure: OutboundFailure) {
  const subject = `the ${role} model “${model.name}”`
  if (failure.kind === 'refused') return `the address of ${subject} is ${failure.summary}`
  return `${subject} ${outboundFailureText(failure)}`
}

/** the provider's message for the log, without the model's key if it echoed it */
function detailFor(error: unknown, apiKey: string) {
  const message = String((error as Error)?.message ?? error).slice(0, 2000)
  return apiKey ? message.split(apiKey).join('[redacted]') : message
}

/**
 * Classifies a failed model call and logs it with the provider's own
 * words. `timedOut` says the caller's deadline aborted the call.
 */
export function modelFailure(
  error: unknown,
  role: ModelRole,
  model: CalledModel & { apiKey?: string },
  options: { timedOut?: boolean } = {}
): ModelFailure {
  const failure: OutboundFailure =
    error instanceof EmptyModelReply
      ? {
          kind: 'malformed',
          status: null,
          summary: 'returned an empty reply',
          hint: null,
          transient: false,
        }
      : describeOutboundFailure(error, { timedOut: options.timedOut, timeoutMs: modelTimeoutMs() })
  logger.warn(
    {
      plugin: 'noa',
      role,
      model: model.publicId,
      modelId: model.model,
      origin: URL.canParse(model.baseUrl) ? new URL(model.baseUrl).origin : model.baseUrl,
      kind: failure.kind,
      status: failure.status,
      detail: detailFor(error, model.apiKey ?? ''),
    },
    `noa: the ${role} model “${model.name}” failed`
  )
  return { role, modelName: model.name, failure, text: failureText(role, model, failure) }
}

/** "the chat model “X” answered…" as a sentence: capital first, full stop last */
export function sentenceFrom(text: string) {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`
}

/** where an administrator fixes a model, in the words of the navigation */
export const MODELS_PAGE_NAME = 'Assistant → AI models'

/**
 * The reply that stands in for an answer the model could not give:
 * which model, what failed, and whether waiting or an administrator
 * helps. `doing` is what could not be done ("answer", "understand the
 * recording").
 */
export function failureReply(failure: ModelFailure, doing: string) {
  const advice = failure.failure.transient
    ? `Trying again later may help; if it keeps failing, an administrator can check the model under ${MODELS_PAGE_NAME}.`
    : `An administrator can fix it under ${MODELS_PAGE_NAME}.`
  return `Sorry, I could not ${doing}: ${failure.text}. ${advice}`
}
