import { modelFailure, sentenceFrom, type ModelRole } from '../failures.js'
import { encodeWav16, TRANSCRIPTION_SAMPLE_RATE } from '../../audio/wav.js'
import type AiModel from '../ai_model.js'
import { openAiClientFor, resolveModel, type ResolvedModel } from '../models.js'

export type ModelTestOutcome = { ok: boolean; message: string }

/** half a second of a quiet 440 Hz tone: a valid recording for a transcription probe */
function probeRecording() {
  const samples = new Float32Array(TRANSCRIPTION_SAMPLE_RATE / 2)
  for (let index = 0; index < samples.length; index++) {
    samples[index] = 0.2 * Math.sin((2 * Math.PI * 440 * index) / TRANSCRIPTION_SAMPLE_RATE)
  }
  return encodeWav16(samples, TRANSCRIPTION_SAMPLE_RATE)
}

/** what the Test button tries: the model's first capability */
function probedRole(model: ResolvedModel): ModelRole {
  if (model.capabilities.includes('chat')) return 'chat'
  if (model.capabilities.includes('vision')) return 'vision'
  if (model.capabilities.includes('embeddings')) return 'embeddings'
  return 'transcription'
}

async function probe(model: ResolvedModel, role: ModelRole): Promise<string> {
  const client = await openAiClientFor(model)
  if (role === 'chat' || role === 'vision') {
    const completion = await client.chat.completions.create({
      model: model.model,
      max_tokens: 16,
      messages: [{ role: 'user', content: 'Reply with the single word OK.' }],
    })
    const reply = (completion.choices[0]?.message?.content ?? '').trim()
    return `Chat works: the model replied “${reply.slice(0, 80)}”.`
  }
  if (role === 'embeddings') {
    const result = await client.embeddings.create({ model: model.model, input: 'Sextant' })
    return `Embeddings work: ${result.data[0]?.embedding.length ?? 0} dimensions.`
  }
  const { toFile } = await import('openai')
  await client.audio.transcriptions.create({
    model: model.model,
    file: await toFile(probeRecording(), 'probe.wav', { type: 'audio/wav' }),
  })
  return 'Transcription works: the model accepted a test recording.'
}

/**
 * The Test button: one real call with the model's first capability
 * (chat, else embeddings, else transcription), reported in words. A
 * failure names its class ("answered HTTP 401: check the key or
 * token"); what the provider wrote goes to the server log only.
 */
export default class TestAiModel {
  async execute(row: AiModel): Promise<ModelTestOutcome> {
    const model = resolveModel(row)
    const role = probedRole(model)
    try {
      return { ok: true, message: await probe(model, role) }
    } catch (error) {
      return {
        ok: false,
        message: `Test failed: ${sentenceFrom(modelFailure(error, role, model).text)}`,
      }
    }
  }
}
