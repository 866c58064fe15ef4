/**
 * Requests shaped like the Noa app's (custom-server mode): multipart with
 * `messages`, `location`, `time`, an 8 kHz 8-bit unsigned WAV and an
 * optional JPEG, every file part sent as application/octet-stream.
 */

/** a RIFF PCM WAV with the given header fields around raw sample bytes */
export function wavFile(
  samples: Buffer,
  options: { sampleRate?: number; bits?: number; channels?: number; extraChunks?: Buffer[] } = {}
) {
  const sampleRate = options.sampleRate ?? 8000
  const bits = options.bits ?? 8
  const channels = options.channels ?? 1
  const fmt = Buffer.alloc(24)
  fmt.write('fmt ', 0, 'ascii')
  fmt.writeUInt32LE(16, 4)
  fmt.writeUInt16LE(1, 8)
  fmt.writeUInt16LE(channels, 10)
  fmt.writeUInt32LE(sampleRate, 12)
  fmt.writeUInt32LE((sampleRate * channels * bits) / 8, 16)
  fmt.writeUInt16LE((channels * bits) / 8, 20)
  fmt.writeUInt16LE(bits, 22)
  const dataHeader = Buffer.alloc(8)
  dataHeader.write('data', 0, 'ascii')
  dataHeader.writeUInt32LE(samples.length, 4)
  const extra = Buffer.concat(options.extraChunks ?? [])
  const riff = Buffer.alloc(12)
  riff.write('RIFF', 0, 'ascii')
  riff.writeUInt32LE(4 + fmt.length + extra.length + dataHeader.length + samples.length, 4)
  riff.write('WAVE', 8, 'ascii')
  return Buffer.concat([riff, fmt, extra, dataHeader, samples])
}

/** a second of speech-like 8-bit unsigned samples: a wobbling tone with an envelope */
export function speechLikeSamples(seconds = 1, sampleRate = 8000) {
  const samples = Buffer.alloc(Math.round(seconds * sampleRate))
  for (let index = 0; index < samples.length; index++) {
    const t = index / sampleRate
    const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t)
    const voice = Math.sin(2 * Math.PI * (180 + 40 * Math.sin(2 * Math.PI * 5 * t)) * t)
    samples[index] = Math.round(128 + 100 * envelope * voice)
  }
  return samples
}

/** the glasses' recording: 8 kHz, 8-bit unsigned, mono */
export function glassesWav() {
  return wavFile(speechLikeSamples())
}

/** the recording the app sends when nothing was said: the 44-byte header alone */
export function headerOnlyWav() {
  return wavFile(Buffer.alloc(0))
}

/** a small but real JPEG (SOI, JFIF APP0, EOI) padded to the size wanted */
export function jpeg(size = 2048) {
  const head = Buffer.from([
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x01, 0x00, 0x00,
  ])
  const tail = Buffer.from([0xff, 0xd9])
  return Buffer.concat([
    head,
    Buffer.alloc(Math.max(0, size - head.length - tail.length), 0x20),
    tail,
  ])
}

export type GlassesFields = {
  messages?: unknown
  location?: string
  time?: string
  audio?: Buffer | null
  image?: Buffer | null
  extra?: Record<string, string>
}

export function glassesForm(fields: GlassesFields = {}) {
  const form = new FormData()
  if (fields.messages !== undefined) {
    form.append(
      'messages',
      typeof fields.messages === 'string' ? fields.messages : JSON.stringify(fields.messages)
    )
  }
  if (fields.location !== undefined) form.append('location', fields.location)
  if (fields.time !== undefined) form.append('time', fields.time)
  for (const [name, value] of Object.entries(fields.extra ?? {})) form.append(name, value)
  const audio = fields.audio === undefined ? glassesWav() : fields.audio
  if (audio) {
    form.append('audio', new Blob([audio], { type: 'application/octet-stream' }), 'audio.wav')
  }
  if (fields.image) {
    form.append(
      'image',
      new Blob([fields.image], { type: 'application/octet-stream' }),
      'image.jpg'
    )
  }
  return form
}

/** POSTs like the app: one extra header of the user's choosing carries the token */
export async function postGlasses(
  form: FormData,
  header: Record<string, string>,
  path = '/noa/mm'
) {
  const base = `http://${process.env.HOST}:${process.env.PORT}`
  const response = await fetch(`${base}${path}`, { method: 'POST', body: form, headers: header })
  const text = await response.text()
  let json: any = null
  try {
    json = JSON.parse(text)
  } catch {
    json = null
  }
  return { status: response.status, headers: response.headers, text, json }
}
