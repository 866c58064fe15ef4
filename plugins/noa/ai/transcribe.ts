import { toFile } from 'openai'
import { defaultModelFor, modelTimeoutMs, openAiClientFor } from './models.js'

export class TranscriptionUnavailable extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TranscriptionUnavailable'
  }
}

/**
 * Speech to text with the organisation's transcription model
 * (`/audio/transcriptions`). Throws when no model is configured or the
 * provider fails, so the caller can apologise and record why.
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
    const result = await openAiClientFor(model).audio.transcriptions.create(
      {
        model: model.model,
        file: await toFile(audio.bytes, audio.fileName, { type: audio.mime }),
      },
      { signal: controller.signal }
    )
    return (result.text ?? '').trim()
  } finally {
    clearTimeout(timer)
  }
}
