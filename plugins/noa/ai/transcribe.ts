import { modelFailure, type ModelFailure } from './failures.js'
import { defaultModelFor, modelTimeoutMs, openAiClientFor, openAiSdk } from './models.js'

export class TranscriptionUnavailable extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TranscriptionUnavailable'
  }
}

/** The transcription model failed; `failure` names it and the class of failure (logged). */
export class TranscriptionFailed extends Error {
  constructor(readonly failure: ModelFailure) {
    super(failure.text)
    this.name = 'TranscriptionFailed'
  }
}

/**
 * Speech to text with the organisation's transcription model
 * (`/audio/transcriptions`). Throws TranscriptionUnavailable when no
 * model is configured and TranscriptionFailed when the call fails, so
 * the caller can say which and record why.
 */
export async function transcribe(
  organizationId: number,
  audio: { bytes: Buffer; fileName: string; mime: string }
): Promise<string> {
  const model = await defaultModelFor(organizationId, 'transcription')
  if (!model) throw new TranscriptionUnavailable('No transcription model is configured')
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), modelTimeoutMs())
  try {
    const { toFile } = await openAiSdk()
    const client = await openAiClientFor(model)
    const result = await client.audio.transcriptions.create(
      {
        model: model.model,
        file: await toFile(audio.bytes, audio.fileName, { type: audio.mime }),
      },
      { signal: controller.signal }
    )
    return (result.text ?? '').trim()
  } catch (error) {
    throw new TranscriptionFailed(
      modelFailure(error, 'transcription', model, { timedOut: controller.signal.aborted })
    )
  } finally {
    clearTimeout(timer)
  }
}
