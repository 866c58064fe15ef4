import { Transform, type TransformCallback } from 'node:stream'

const BLOCK_BYTES = 512
const TYPEFLAG_OFFSET = 156
const SIZE_OFFSET = 124
const SIZE_LENGTH = 12
/** "g": a pax global extended header, whose records apply to the whole archive */
const PAX_GLOBAL_TYPEFLAG = 0x67
/** GitHub's global header is about 50 bytes; anything this large is not worth reading. */
const MAX_GLOBAL_HEADER_BYTES = 64 * 1024

/**
 * Sits between gunzip and the tar parser, passing every byte through
 * unchanged. On the way it counts the decompressed bytes and, when the
 * archive opens with a pax global header (GitHub's carries the commit id as
 * `comment`), reads its records. tar-stream consumes global headers without
 * exposing them, hence this look at the first bytes.
 *
 * Only the archive's first block and that header's body are ever held, so
 * memory stays bounded.
 */
export class TarPreambleReader extends Transform {
  decompressedBytes = 0
  globalRecords: Map<string, string> | undefined

  #held: Buffer[] = []
  #heldBytes = 0
  #settled = false

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.decompressedBytes += chunk.length
    if (!this.#settled) this.#inspect(chunk)
    callback(null, chunk)
  }

  #inspect(chunk: Buffer) {
    this.#held.push(chunk)
    this.#heldBytes += chunk.length
    if (this.#heldBytes < BLOCK_BYTES) return

    const start = Buffer.concat(this.#held, this.#heldBytes)
    if (start[TYPEFLAG_OFFSET] !== PAX_GLOBAL_TYPEFLAG) return this.#settle()

    const bodyBytes = readOctal(start.subarray(SIZE_OFFSET, SIZE_OFFSET + SIZE_LENGTH))
    if (bodyBytes === undefined || bodyBytes > MAX_GLOBAL_HEADER_BYTES) return this.#settle()
    if (start.length < BLOCK_BYTES + bodyBytes) {
      this.#held = [start]
      return
    }

    this.globalRecords = parsePaxRecords(start.subarray(BLOCK_BYTES, BLOCK_BYTES + bodyBytes))
    this.#settle()
  }

  #settle() {
    this.#settled = true
    this.#held = []
    this.#heldBytes = 0
  }
}

/** A tar numeric field: octal digits padded with spaces or NULs. */
function readOctal(field: Buffer): number | undefined {
  const digits = field
    .toString('latin1')
    .replace(/[\0 ]+$/u, '')
    .replace(/^[\0 ]+/u, '')
  if (!/^[0-7]+$/.test(digits)) return undefined
  return Number.parseInt(digits, 8)
}

/**
 * Pax records are "<length> <key>=<value>\n", where length counts the
 * whole record. Parsing stops quietly at the first malformed record: the
 * records are informative only, and tar-stream judges the archive itself.
 */
export function parsePaxRecords(body: Buffer): Map<string, string> {
  // A Map, not an object: a key such as "__proto__" must stay a plain key.
  const records = new Map<string, string>()
  let offset = 0
  while (offset < body.length) {
    const space = body.indexOf(0x20, offset)
    if (space === -1) break
    const recordLength = Number(body.toString('latin1', offset, space))
    if (
      !Number.isSafeInteger(recordLength) ||
      recordLength <= 0 ||
      offset + recordLength > body.length
    )
      break

    const record = body.toString('utf8', space + 1, offset + recordLength - 1)
    const equals = record.indexOf('=')
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1))
    offset += recordLength
  }
  return records
}
