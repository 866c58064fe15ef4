import { readFile } from 'node:fs/promises'
import { fileTypeFromBuffer } from 'file-type'
import { convertForTranscription, looksLikeWav, WavError } from '../audio/wav.js'
import {
  inlineImage,
  normaliseHistory,
  type ChatTurn,
  type InlineImage,
} from '../chat/conversation.js'
import { environment } from '../environment.js'

/**
 * What the Noa app sends (custom-server mode), read liberally: both
 * spellings of each field (`location`/`address`, `time`/`local_time`, a
 * typed `prompt` from older clients and the hosted gateway), optional
 * parts, unknown extra fields. File parts arrive as
 * application/octet-stream, so their content decides what they are.
 */
export type GlassesRequest = {
  history: ChatTurn[]
  /** text the client sent instead of audio (older clients, the gateway) */
  typedPrompt: string | null
  location: string | null
  localTime: string | null
  audio: GlassesAudio | null
  image: InlineImage | null
  /** the app's own system prompt ("noa_system_prompt"), the user's tuning */
  instructions: string | null
  /** the app's temperature setting, when it is a usable number */
  temperature: number | null
}

export type GlassesAudio =
  /** a WAV converted for transcription; null wav when it held no samples */
  | { kind: 'wav'; wav: Buffer | null; sourceRate: number; sourceBits: number }
  /** another audio container (mp3, m4a, ogg…): sent to the model as it came */
  | { kind: 'other'; bytes: Buffer; mime: string; ext: string }

export class GlassesRequestError extends Error {
  constructor(
    readonly status: 400 | 413,
    readonly field: string,
    message: string
  ) {
    super(message)
    this.name = 'GlassesRequestError'
  }
}

/** the part of a multipart upload the parser kept on disk */
export type UploadedPart = { tmpPath?: string; size: number }

export type RawGlassesFields = {
  field(name: string): unknown
  file(name: string): UploadedPart | null
}

export const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif'])

export function maxImageBytes() {
  return environment.get('NOA_MAX_IMAGE_BYTES')
}

export function maxAudioBytes() {
  return environment.get('NOA_MAX_AUDIO_BYTES')
}

function text(value: unknown): string | null {
  const first = Array.isArray(value) ? value[0] : value
  if (first === null || first === undefined) return null
  const result = String(first).trim()
  return result === '' ? null : result
}

function firstText(fields: RawGlassesFields, ...names: string[]) {
  for (const name of names) {
    const value = text(fields.field(name))
    if (value !== null) return value
  }
  return null
}

function readHistory(value: unknown): ChatTurn[] {
  const raw = Array.isArray(value) && typeof value[0] === 'string' ? value[0] : value
  if (raw === null || raw === undefined || raw === '') return []
  if (typeof raw !== 'string') return normaliseHistory(raw)
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    throw new GlassesRequestError(400, 'messages', 'messages must be a JSON array of messages')
  }
  if (parsed !== null && !Array.isArray(parsed)) {
    throw new GlassesRequestError(400, 'messages', 'messages must be a JSON array of messages')
  }
  return normaliseHistory(parsed)
}

async function readPart(part: UploadedPart | null, field: string, limit: number) {
  if (!part) return null
  if (part.size > limit) {
    throw new GlassesRequestError(
      413,
      field,
      `${field} is larger than ${Math.floor(limit / (1024 * 1024))} MB`
    )
  }
  if (!part.tmpPath) throw new GlassesRequestError(400, field, `${field} could not be read`)
  return readFile(part.tmpPath)
}

async function readAudio(part: UploadedPart | null): Promise<GlassesAudio | null> {
  const bytes = await readPart(part, 'audio', maxAudioBytes())
  if (!bytes) return null
  if (looksLikeWav(bytes)) {
    try {
      const { format, wav } = convertForTranscription(bytes)
      return {
        kind: 'wav',
        wav,
        sourceRate: format.sampleRate,
        sourceBits: format.bitsPerSample,
      }
    } catch (error) {
      if (error instanceof WavError) {
        throw new GlassesRequestError(
          400,
          'audio',
          `audio is not a readable WAV file: ${error.message}`
        )
      }
      throw error
    }
  }
  if (bytes.length === 0) return { kind: 'wav', wav: null, sourceRate: 0, sourceBits: 0 }
  const type = await fileTypeFromBuffer(bytes)
  if (
    type &&
    (type.mime.startsWith('audio/') || type.mime === 'video/webm' || type.ext === 'm4a')
  ) {
    return { kind: 'other', bytes, mime: type.mime, ext: type.ext }
  }
  throw new GlassesRequestError(400, 'audio', 'audio must be a WAV recording')
}

async function readImage(part: UploadedPart | null): Promise<InlineImage | null> {
  const bytes = await readPart(part, 'image', maxImageBytes())
  if (!bytes) return null
  const type = await fileTypeFromBuffer(bytes)
  if (!type || !IMAGE_TYPES.has(type.mime)) {
    throw new GlassesRequestError(400, 'image', 'image must be a JPEG, PNG, WebP or GIF picture')
  }
  return inlineImage(type.mime, bytes)
}

/**
 * Some builds of the app send `config`, meant as JSON but often not
 * (`{"vision": "…", address: 10 Main St, local_time: 2025-07-02 …}`):
 * read it as JSON when it is, else pick out `address` and `local_time`.
 */
function readConfig(value: unknown): { address: string | null; localTime: string | null } {
  const raw = text(value)
  if (!raw) return { address: null, localTime: null }
  try {
    const parsed = JSON.parse(raw)
    if (parsed && typeof parsed === 'object') {
      return { address: text(parsed.address), localTime: text(parsed.local_time) }
    }
  } catch {
    // not JSON: fall through to the key: value reading below
  }
  const pick = (key: string) => {
    // a value runs to the next ", key:" or the closing brace (addresses hold commas)
    const match = raw.match(
      new RegExp(`["']?${key}["']?\\s*:\\s*"?(.*?)"?\\s*(?:,\\s*["']?[a-z_]+["']?\\s*:|}|$)`)
    )
    return match ? text(match[1]) : null
  }
  return { address: pick('address'), localTime: pick('local_time') }
}

function readTemperature(value: unknown): number | null {
  const raw = text(value)
  if (raw === null) return null
  const temperature = Number(raw)
  return Number.isFinite(temperature) && temperature >= 0 && temperature <= 2 ? temperature : null
}

export async function readGlassesRequest(fields: RawGlassesFields): Promise<GlassesRequest> {
  const history = readHistory(fields.field('messages'))
  const config = readConfig(fields.field('config'))
  const typedPrompt = firstText(fields, 'prompt')
  const audio = await readAudio(fields.file('audio'))
  const image = await readImage(fields.file('image'))
  if (!audio && !typedPrompt && !image) {
    throw new GlassesRequestError(400, 'audio', 'audio is required (or a text prompt)')
  }
  return {
    history,
    typedPrompt,
    location: firstText(fields, 'location', 'address') ?? config.address,
    localTime: firstText(fields, 'time', 'local_time') ?? config.localTime,
    audio,
    image,
    instructions: firstText(fields, 'noa_system_prompt', 'system_prompt'),
    temperature: readTemperature(fields.field('temperature')),
  }
}
