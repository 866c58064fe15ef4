import Sqids from 'sqids'
import { createHash, createHmac } from 'node:crypto'
import sextantConfig from '#config/sextant'

/**
 * Encodes primary keys into public ids (Sqids) and back. Primary keys
 * never leave the server: URLs, forms and JSON carry these instead.
 *
 * Each model kind has its own alphabet order, derived deterministically
 * from the configured alphabet, so ids of different kinds do not look
 * alike and one cannot be used in place of another.
 */
export class PublicIdCodec {
  readonly #sqids: Sqids
  readonly #alphabet: Set<string>

  constructor(
    readonly kind: string,
    alphabet: string,
    minLength: number,
    /** an installation's own secret: its ids cannot be computed elsewhere */
    secret: string | null = null,
    /**
     * The largest key the kind's table can hold. A made-up id can decode
     * to any number; one past an INTEGER column is no row, and PostgreSQL
     * would refuse the query (a 500) instead of finding nothing (a 404).
     */
    readonly maxKey: number = Number.MAX_SAFE_INTEGER
  ) {
    const shuffled = shuffle(alphabet, secret ? `${kind}:${keyedSeed(secret, kind)}` : kind)
    this.#sqids = new Sqids({ alphabet: shuffled, minLength, blocklist: new Set() })
    this.#alphabet = new Set(shuffled)
  }

  encode(key: number | bigint): string {
    const value = typeof key === 'bigint' ? Number(key) : key
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new TypeError(`Cannot encode "${String(key)}" as a ${this.kind} public id`)
    }
    return this.#sqids.encode([value])
  }

  /**
   * Returns the primary key, or null for anything that is not exactly a
   * public id this codec produced (wrong kind, padding, extra numbers).
   */
  decode(publicId: unknown): number | null {
    if (typeof publicId !== 'string' || publicId.length === 0 || publicId.length > 32) {
      return null
    }
    for (const char of publicId) {
      if (!this.#alphabet.has(char)) return null
    }
    const numbers = this.#sqids.decode(publicId)
    if (numbers.length !== 1) return null
    const [value] = numbers
    if (!Number.isSafeInteger(value) || value <= 0 || value > this.maxKey) return null
    return this.#sqids.encode([value]) === publicId ? value : null
  }
}

/**
 * Fisher–Yates driven by a SHA-256 stream seeded with the kind: stable
 * across processes and releases, different for each kind.
 */
function shuffle(alphabet: string, seed: string): string {
  const chars = [...alphabet]
  let block = createHash('sha256').update(`sextant:${seed}`).digest()
  let offset = 0
  for (let i = chars.length - 1; i > 0; i--) {
    if (offset + 4 > block.length) {
      block = createHash('sha256').update(block).digest()
      offset = 0
    }
    const j = block.readUInt32BE(offset) % (i + 1)
    offset += 4
    ;[chars[i], chars[j]] = [chars[j], chars[i]]
  }
  return chars.join('')
}

/** an HMAC of the kind under the installation's secret: the secret never shows in the seed */
function keyedSeed(secret: string, kind: string) {
  return createHmac('sha256', secret).update(`sextant-public-ids:${kind}`).digest('base64url')
}

/** the largest value of an INTEGER (`increments`) primary key */
export const INTEGER_KEY_MAX = 2_147_483_647

/** kinds whose table has a BIGINT (`bigIncrements`) primary key */
const BIGINT_KINDS = new Set(['ai_code_fact'])

const codecs = new Map<string, PublicIdCodec>()

export function publicIds(kind: string): PublicIdCodec {
  let codec = codecs.get(kind)
  if (!codec) {
    const { alphabet, minLength, secret } = sextantConfig.publicIds
    const maxKey = BIGINT_KINDS.has(kind) ? Number.MAX_SAFE_INTEGER : INTEGER_KEY_MAX
    codec = new PublicIdCodec(kind, alphabet, minLength, secret, maxKey)
    codecs.set(kind, codec)
  }
  return codec
}
