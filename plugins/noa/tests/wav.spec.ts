import { test } from '@japa/runner'
import { decodeWav, encodeWav16, resample, toTranscriptionWav, WavError } from '../audio/wav.js'
import { glassesWav, headerOnlyWav, speechLikeSamples, wavFile } from './fake_model/glasses.js'

function chunk(id: string, body: Buffer) {
  const header = Buffer.alloc(8)
  header.write(id, 0, 'ascii')
  header.writeUInt32LE(body.length, 4)
  return Buffer.concat([header, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)])
}

/** a WAVE_FORMAT_EXTENSIBLE header (40-byte fmt chunk) around 16-bit PCM */
function extensibleWav(samples: Int16Array, sampleRate: number) {
  const fmt = Buffer.alloc(40)
  fmt.writeUInt16LE(0xfffe, 0)
  fmt.writeUInt16LE(1, 2)
  fmt.writeUInt32LE(sampleRate, 4)
  fmt.writeUInt32LE(sampleRate * 2, 8)
  fmt.writeUInt16LE(2, 12)
  fmt.writeUInt16LE(16, 14)
  fmt.writeUInt16LE(22, 16)
  fmt.writeUInt16LE(16, 18)
  fmt.writeUInt32LE(4, 20)
  // KSDATAFORMAT_SUBTYPE_PCM: 00000001-0000-0010-8000-00aa00389b71
  Buffer.from('0100000000001000800000aa00389b71', 'hex').copy(fmt, 24)
  const data = Buffer.from(samples.buffer)
  const body = Buffer.concat([Buffer.from('WAVE'), chunk('fmt ', fmt), chunk('data', data)])
  const riff = Buffer.alloc(8)
  riff.write('RIFF', 0, 'ascii')
  riff.writeUInt32LE(body.length, 4)
  return Buffer.concat([riff, body])
}

test.group('WAV conversion for transcription', () => {
  test('reads the glasses’ 8 kHz 8-bit unsigned mono recording', ({ assert }) => {
    const { format, samples } = decodeWav(glassesWav())

    assert.deepEqual(format, {
      encoding: 'pcm',
      channels: 1,
      sampleRate: 8000,
      bitsPerSample: 8,
      blockAlign: 1,
    })
    assert.lengthOf(samples, 8000)
  })

  test('maps 8-bit unsigned samples onto signed values around 128', ({ assert }) => {
    const { samples } = decodeWav(wavFile(Buffer.from([0, 128, 255])))

    assert.deepEqual(Array.from(samples), [-1, 0, 127 / 128])
  })

  test('converts to 16 kHz 16-bit mono with twice the samples', ({ assert }) => {
    const converted = toTranscriptionWav(glassesWav())!
    const { format, samples } = decodeWav(converted)

    assert.equal(converted.length, 44 + 16_000 * 2)
    assert.equal(format.sampleRate, 16_000)
    assert.equal(format.bitsPerSample, 16)
    assert.equal(format.channels, 1)
    assert.lengthOf(samples, 16_000)
  })

  test('interpolates linearly between neighbouring samples', ({ assert }) => {
    const doubled = resample(Float32Array.from([0, 0.5, 1]), 8000, 16_000)

    assert.deepEqual(Array.from(doubled), [0, 0.25, 0.5, 0.75, 1, 1])
  })

  test('keeps the signal: the converted samples follow the original', ({ assert }) => {
    const original = decodeWav(glassesWav()).samples
    const converted = decodeWav(toTranscriptionWav(glassesWav())!).samples

    for (let index = 0; index < original.length; index += 97) {
      assert.closeTo(converted[index * 2], original[index], 1 / 1024)
    }
  })

  test('a header without samples converts to nothing', ({ assert }) => {
    assert.lengthOf(headerOnlyWav(), 44)
    assert.isNull(toTranscriptionWav(headerOnlyWav()))
  })

  test('skips chunks before the data (LIST, fact) and reads odd-sized ones', ({ assert }) => {
    const list = chunk('LIST', Buffer.from('INFOISFT\x05\x00\x00\x00Noa!\x00'))
    const fact = chunk('fact', Buffer.from([0x40, 0x1f, 0x00, 0x00]))
    const wav = wavFile(speechLikeSamples(0.5), { extraChunks: [list, fact] })

    const { format, samples } = decodeWav(wav)

    assert.equal(format.sampleRate, 8000)
    assert.lengthOf(samples, 4000)
  })

  test('understands WAVE_FORMAT_EXTENSIBLE headers', ({ assert }) => {
    const wav = extensibleWav(Int16Array.from([0, 16384, -32768, 32767]), 16_000)

    const { format, samples } = decodeWav(wav)

    assert.equal(format.encoding, 'pcm')
    assert.equal(format.bitsPerSample, 16)
    assert.deepEqual(Array.from(samples), [0, 0.5, -1, 32767 / 32768])
  })

  test('accepts a 16-bit recording and mixes stereo down to mono', ({ assert }) => {
    const stereo = Buffer.alloc(8)
    stereo.writeInt16LE(16384, 0)
    stereo.writeInt16LE(0, 2)
    stereo.writeInt16LE(-16384, 4)
    stereo.writeInt16LE(-16384, 6)

    const { samples } = decodeWav(wavFile(stereo, { sampleRate: 16_000, bits: 16, channels: 2 }))

    assert.deepEqual(Array.from(samples), [0.25, -0.5])
  })

  test('reads to the end when the data size is unknown (0 or past the end)', ({ assert }) => {
    const wav = glassesWav()
    const streamed = Buffer.from(wav)
    streamed.writeUInt32LE(0xffffffff, 40)

    assert.lengthOf(decodeWav(streamed).samples, 8000)
  })

  test('refuses what is not PCM WAV with a reason', ({ assert }) => {
    const compressed = glassesWav()
    compressed.writeUInt16LE(2, 20)

    assert.throws(() => decodeWav(Buffer.from('not a wav file at all')), WavError)
    assert.throws(() => decodeWav(compressed), /unsupported WAV encoding/)
  })

  test('writes a canonical 44-byte header', ({ assert }) => {
    const wav = encodeWav16(Float32Array.from([0, 1, -1]), 16_000)

    assert.equal(wav.toString('ascii', 0, 4), 'RIFF')
    assert.equal(wav.readUInt32LE(4), 36 + 6)
    assert.equal(wav.toString('ascii', 8, 16), 'WAVEfmt ')
    assert.equal(wav.readUInt32LE(24), 16_000)
    assert.equal(wav.readUInt16LE(34), 16)
    assert.deepEqual(
      [wav.readInt16LE(44), wav.readInt16LE(46), wav.readInt16LE(48)],
      [0, 32767, -32768]
    )
  })
  test('writes every sample clamped, rounded and little-endian, to the last one', ({ assert }) => {
    const samples = Float32Array.from([
      0.5,
      -0.5,
      1.5,
      -1.5,
      1 / 65536,
      -1 / 65536,
      Number.NaN,
      0.25,
    ])
    const wav = encodeWav16(samples, 16_000)

    assert.equal(wav.length, 44 + samples.length * 2)
    const written = Array.from({ length: samples.length }, (_, index) =>
      wav.readInt16LE(44 + index * 2)
    )
    assert.deepEqual(written, [16384, -16384, 32767, -32768, 0, 0, 0, 8192])
  })
})
