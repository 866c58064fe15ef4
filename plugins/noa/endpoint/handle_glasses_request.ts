import { failureReply } from '../ai/failures.js'
import { withOrganizationModels } from '../ai/models.js'
import { transcribe, TranscriptionFailed, TranscriptionUnavailable } from '../ai/transcribe.js'
import AnswerQuestion, { NO_MODEL_MESSAGE, type Answer } from '../chat/answer_question.js'
import DetectTopicChange from '../chat/topic.js'
import { currentGlassesThread, saveExchange, threadTurns } from '../chat/threads.js'
import type { GlassesRequest } from './glasses_request.js'

/** exactly what the Noa app expects; it shows nothing unless every key is there */
export type GlassesReply = {
  user_prompt: string
  message: string
  debug: { topic_changed: boolean }
  image: string | null
  audio: string | null
}

/** the reply, and the failure it stands in for ("<role>:<kind>"), if any */
export type GlassesOutcome = { reply: GlassesReply; failure: string | null }

export const NOTHING_HEARD = "I didn't catch that. Please try again."
export const IMAGE_ONLY_PROMPT = 'What do you see in this picture?'

/**
 * One question from the glasses: transcribe the recording, decide whether
 * it starts a new topic, answer it (with the photo, location and time),
 * and save the exchange to the user's conversation, failures included.
 */
export default class HandleGlassesRequest {
  execute(input: {
    organizationId: number
    userId: number
    request: GlassesRequest
  }): Promise<GlassesOutcome> {
    // transcription, topic, knowledge and answer each pick a model: one read for all
    return withOrganizationModels(input.organizationId, () => this.#answer(input))
  }

  async #answer(input: {
    organizationId: number
    userId: number
    request: GlassesRequest
  }): Promise<GlassesOutcome> {
    const { organizationId, userId, request } = input
    let prompt = request.typedPrompt ?? ''
    let failure: Answer | null = null

    if (!prompt && request.audio) {
      const audio = request.audio
      const upload =
        audio.kind === 'wav'
          ? audio.wav && { bytes: audio.wav, fileName: 'audio.wav', mime: 'audio/wav' }
          : { bytes: audio.bytes, fileName: `audio.${audio.ext}`, mime: audio.mime }
      if (upload) {
        try {
          prompt = await transcribe(organizationId, upload)
        } catch (error) {
          if (error instanceof TranscriptionUnavailable) {
            failure = {
              message: NO_MODEL_MESSAGE,
              ok: false,
              error: error.message,
              modelName: null,
              source: 'none',
              failure: 'transcription:no_model',
            }
          } else if (error instanceof TranscriptionFailed) {
            failure = {
              message: failureReply(error.failure, 'understand the recording'),
              ok: false,
              error: error.failure.text,
              modelName: error.failure.modelName,
              source: 'model',
              failure: `transcription:${error.failure.failure.kind}`,
            }
          } else {
            throw error
          }
        }
      }
    }
    if (!failure && !prompt && request.image) prompt = IMAGE_ONLY_PROMPT
    if (!failure && !prompt) {
      failure = {
        message: NOTHING_HEARD,
        ok: false,
        error: 'No speech in the recording',
        modelName: null,
        source: 'none',
        failure: null,
      }
    }

    const current = await currentGlassesThread(organizationId, userId)
    const previous =
      request.history.length > 0 ? request.history : current ? await threadTurns(current.id) : []
    const topic = failure
      ? { changed: false }
      : await new DetectTopicChange().execute({ organizationId, previous, prompt })
    const thread = topic.changed ? null : (current ?? null)

    const answer =
      failure ??
      (await new AnswerQuestion().execute({
        organizationId,
        channel: 'glasses',
        prompt,
        history: topic.changed ? [] : previous,
        image: request.image,
        location: request.location,
        localTime: request.localTime,
        instructions: request.instructions,
        temperature: request.temperature,
      }))

    await saveExchange({
      organizationId,
      userId,
      thread,
      source: 'glasses',
      prompt,
      image: request.image,
      location: request.location,
      localTime: request.localTime,
      answer,
    })

    return {
      reply: {
        user_prompt: prompt,
        message: answer.message,
        debug: { topic_changed: topic.changed },
        image: null,
        audio: null,
      },
      failure: answer.failure,
    }
  }
}
