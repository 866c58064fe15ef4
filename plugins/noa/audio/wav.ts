/**
 * WAV reading and conversion for the glasses' recordings. The Noa app
 * sends RIFF PCM mono at 8 kHz, 8-bit unsigned; transcription models
 * expect 16 kHz 16-bit. The reader walks the RIFF chunks (so LIST, fact
 * or other chunks before "data" do no harm), understands
 * WAVE_FORMAT_EXTENSIBLE, and accepts 8/16/24/32-bit integer and 32-bit
 * float PCM with any number of channels.
 */

import { endianness } from 'node:os'

export class WavError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'WavError'
  }
}

export type WavFormat = {
  /** 1 = integer PCM, 3 = IEEE float (after unwrapping WAVE_FORMAT_EXTENSIBLE) */
  encoding: 'pcm' | 'float'
  channels: number
  sampleRate: number
  bitsPerSample: number
  blockAlign: number
}

export type DecodedWav = {
  format: WavFormat
  /** mono samples in [-1, 1] */
  samples: Float32Array
}

const WAVE_FORMAT_PCM = 1
const WAVE_FORMAT_IEEE_FLOAT = 3
const WAVE_FORMAT_EXTENSIBLE = 0xfffe

export function looksLikeWav(bytes: Buffer) {
  return (
    bytes.length >= 12 &&
    bytes.toString('ascii', 0, 4) === 'RIFF' &&
    bytes.toString('ascii', 8, 12) === 'WAVE'
  )
}

function readFormat(chunk: Buffer): WavFormat {
  if (chunk.length < 16) throw new WavError('the fmt chunk is too short')
  let tag = chunk.readUInt16LE(0)
  const channels = chunk.readUInt16LE(2)
  const sampleRate = chunk.readUInt32LE(4)
  const blockAlign = chunk.readUInt16LE(12)
  const bitsPerSample = chunk.readUInt16LE(14)
  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    // cbSize(2) validBits(2) channelMask(4) then the sub-format GUID, whose
    // first two bytes are the real format tag
    if (chunk.length < 26) throw new WavError('the extensible fmt chunk is too short')
    tag = chunk.readUInt16LE(24)
  }
  if (tag !== WAVE_FORMAT_PCM && tag !== WAVE_FORMAT_IEEE_FLOAT) {
    throw new WavError(`unsupported WAV encoding (format tag ${tag})`)
  }
  if (channels < 1) throw new WavError('the WAV declares no channels')
  if (sampleRate < 1000 || sampleRate > 384_000) {
    throw new WavError(`unsupported sample rate ${sampleRate}`)
  }
  const supported = tag === WAVE_FORMAT_PCM ? [8, 16, 24, 32] : [32]
  if (!supported.includes(bitsPerSample)) {
    throw new WavError(`unsupported ${bitsPerSample}-bit samples`)
  }
  const bytesPerSample = bitsPerSample / 8
  return {
    encoding: tag === WAVE_FORMAT_PCM ? 'pcm' : 'float',
    channels,
    sampleRate,
    bitsPerSample,
    // some writers leave blockAlign at 0: derive it
    blockAlign: blockAlign >= bytesPerSample * channels ? blockAlign : bytesPerSample * channels,
  }
}

function sampleReader(format: WavFormat): (data: Buffer, offset: number) => number {
  if (format.encoding === 'float') return (data, offset) => data.readFloatLE(offset)
  switch (format.bitsPerSample) {
    case 8:
      // 8-bit WAV is unsigned, centred on 128
      return (data, offset) => (data[offset] - 128) / 128
    case 16:
      return (data, offset) => data.readInt16LE(offset) / 32768
    case 24:
      return (data, offset) => data.readIntLE(offset, 3) / 8388608
    default:
      return (data, offset) => data.readInt32LE(offset) / 2147483648
  }
}

/**
 * Reads a WAV file into mono samples. A "data" chunk whose declared size
 * runs past the end (streaming writers put 0 or 0xFFFFFFFF there) is
 * read to the end of the file; a header with no data chunk at all reads
 * as no samples.
 */
export function decodeWav(bytes: Buffer): DecodedWav {
  if (!looksLikeWav(bytes)) throw new WavError('not a RIFF/WAVE file')
  let format: WavFormat | null = null
  let data: Buffer | null = null
  let offset = 12
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4)
    const declared = bytes.readUInt32LE(offset + 4)
    const start = offset + 8
    const available = bytes.length - start
    if (id === 'data') {
      const size = declared === 0 || declared > available ? available : declared
      data = bytes.subarray(start, start + size)
      if (format) break
    } else if (id === 'fmt ') {
      format = readFormat(bytes.subarray(start, start + Math.min(declared, available)))
      if (data) break
    }
    // chunks are padded to an even length
    offset = start + declared + (declared % 2)
  }
  if (!format) throw new WavError('the WAV has no fmt chunk')
  const frames = data ? Math.floor(data.length / format.blockAlign) : 0
  const samples = new Float32Array(frames)
  if (data && frames > 0) {
    const read = sampleReader(format)
    const step = format.bitsPerSample / 8
    for (let frame = 0; frame < frames; frame++) {
      const base = frame * format.blockAlign
      let sum = 0
      for (let channel = 0; channel < format.channels; channel++) {
        sum += read(data, base + channel * step)
      }
      samples[frame] = sum / format.channels
    }
  }
  return { format, samples }
}

/** linear interpolation between neighbouring samples */
export function resample(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate || samples.length === 0) return samples
  const length = Math.max(1, Math.round((samples.length * toRate) / fromRate))
  const output = new Float32Array(length)
  const ratio = fromRate / toRate
  for (let index = 0; index < length; index++) {
    const position = index * ratio
    const left = Math.floor(position)
    const right = Math.min(left + 1, samples.length - 1)
    const fraction = position - left
    const a = samples[Math.min(left, samples.length - 1)]
    output[index] = a + (samples[right] - a) * fraction
  }
  return output
}

const LITTLE_ENDIAN_HOST = endianness() === 'LE'

/** a canonical 44-byte-header WAV: mono, 16-bit signed little-endian PCM */
export function encodeWav16(samples: Float32Array, sampleRate: number): Buffer {
  const dataBytes = samples.length * 2
  const buffer = Buffer.alloc(44 + dataBytes)
  buffer.write('RIFF', 0, 'ascii')
  buffer.writeUInt32LE(36 + dataBytes, 4)
  buffer.write('WAVE', 8, 'ascii')
  buffer.write('fmt ', 12, 'ascii')
  buffer.writeUInt32LE(16, 16)
  buffer.writeUInt16LE(WAVE_FORMAT_PCM, 20)
  buffer.writeUInt16LE(1, 22)
  buffer.writeUInt32LE(sampleRate, 24)
  buffer.writeUInt32LE(sampleRate * 2, 28)
  buffer.writeUInt16LE(2, 32)
  buffer.writeUInt16LE(16, 34)
  buffer.write('data', 36, 'ascii')
  buffer.writeUInt32LE(dataBytes, 40)
  const toInt16 = (sample: number) => {
    const clamped = sample < -1 ? -1 : sample > 1 ? 1 : sample
    return Math.round(clamped < 0 ? clamped * 32768 : clamped * 32767)
  }
  if (LITTLE_ENDIAN_HOST) {
    // straight into the buffer (44 is even, and Buffer.alloc starts its own
    // memory): writeInt16LE's checks per sample made this the slowest step
    const pcm = new Int16Array(buffer.buffer, buffer.byteOffset + 44, samples.length)
    for (let index = 0; index < samples.length; index++) pcm[index] = toInt16(samples[index])
  } else {
    let offset = 44
    for (const sample of samples) {
      buffer.writeInt16LE(toInt16(sample), offset)
      offset += 2
    }
  }
  return buffer
}

export const TRANSCRIPTION_SAMPLE_RATE = 16_000

/**
 * The glasses' recording as transcription models want it: 16 kHz, 16-bit,
 * mono. Null when the recording holds no samples (the app sends a bare
 * header when nothing was said).
 */
export function toTranscriptionWav(bytes: Buffer): Buffer | null {
  return convertForTranscription(bytes).wav
}

/**
 * The recording's format and its transcription WAV (null when it holds no
 * samples) from one decoding: the glasses endpoint needs both, and
 * decoding twice was a second pass over every sample.
 */
export function convertForTranscription(bytes: Buffer): { format: WavFormat; wav: Buffer | null } {
  const { format, samples } = decodeWav(bytes)
  if (samples.length === 0) return { format, wav: null }
  return {
    format,
    wav: encodeWav16(
      resample(samples, format.sampleRate, TRANSCRIPTION_SAMPLE_RATE),
      TRANSCRIPTION_SAMPLE_RATE
    ),
  }
}
