import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto'
import env from '#start/env'

/**
 * Where a sealed value lives. It is authenticated along with the value,
 * so a ciphertext copied into another row, column or table (by a bug, a
 * restore gone wrong or someone with database access) refuses to open
 * instead of handing one tenant's credentials to another.
 */
export type SecretPurpose = { table: string; column: string; rowId: string | number }

/**
 * Raised by open() for anything that is not a value this box sealed for
 * this purpose. The message never contains key material or plaintext.
 */
export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SecretBoxError'
  }
}

const FORMAT_VERSION = 'sbx1'
const MIN_KEY_LENGTH = 32
const IV_BYTES = 12
const TAG_BYTES = 16
const KEY_ID_LENGTH = 8
const BASE64URL = /^[\w-]*$/

/**
 * HKDF turns each configured passphrase-like key into a uniformly random
 * AES key. The labels tie the derived key to this one use, so the same
 * configured string reused elsewhere (by mistake) yields unrelated keys.
 */
const HKDF_SALT = 'sextant'
const HKDF_INFO = 'sextant/secret-box/aes-256-gcm/v1'

type DerivedKey = { id: string; key: Buffer }

type SealedParts = { keyId: string; iv: Buffer; ciphertext: Buffer; tag: Buffer }

/**
 * Encrypts integration secrets (API tokens, webhook secrets, TOTP seeds)
 * for storage with AES-256-GCM under keys kept apart from APP_KEY, so a
 * leaked APP_KEY (which signs cookies) does not also unlock every stored
 * credential.
 *
 * Several keys can be configured, newest first: the newest seals, all of
 * them open. Rotation is therefore "prepend a key, re-seal rows whose
 * needsRotation() is true, then drop the old key".
 *
 * Sealed format: sbx1.<keyId>.<iv>.<ciphertext>.<tag>, parts in base64url.
 * keyId is a short fingerprint of the derived key so open() can pick the
 * right key without trying each one.
 */
export class SecretBox {
  readonly #newest: DerivedKey
  readonly #keysById: Map<string, DerivedKey>

  /**
   * @param keys configured keys, newest first, each at least 32 characters
   */
  constructor(keys: string[]) {
    if (keys.length === 0) {
      throw new Error('SecretBox needs at least one encryption key')
    }
    const derivedKeys = keys.map((configuredKey, index) => {
      if (configuredKey.length < MIN_KEY_LENGTH) {
        throw new Error(
          `SecretBox encryption key #${index + 1} is shorter than ${MIN_KEY_LENGTH} characters`
        )
      }
      return deriveKey(configuredKey)
    })
    this.#keysById = new Map()
    for (const derived of derivedKeys) {
      if (this.#keysById.has(derived.id)) {
        throw new Error(`SecretBox encryption key ${derived.id} is configured more than once`)
      }
      this.#keysById.set(derived.id, derived)
    }
    this.#newest = derivedKeys[0]
  }

  seal(plaintext: string, purpose: SecretPurpose): string {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.#newest.key, iv, {
      authTagLength: TAG_BYTES,
    })
    cipher.setAAD(associatedData(purpose))
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    const tag = cipher.getAuthTag()
    return [
      FORMAT_VERSION,
      this.#newest.id,
      iv.toString('base64url'),
      ciphertext.toString('base64url'),
      tag.toString('base64url'),
    ].join('.')
  }

  open(sealed: string, purpose: SecretPurpose): string {
    const aad = associatedData(purpose)
    const parts = parseSealed(sealed)
    const derived = this.#keysById.get(parts.keyId)
    if (!derived) {
      throw new SecretBoxError(`Secret was sealed with key ${parts.keyId}, which is not configured`)
    }
    const decipher = createDecipheriv('aes-256-gcm', derived.key, parts.iv, {
      authTagLength: TAG_BYTES,
    })
    decipher.setAAD(aad)
    decipher.setAuthTag(parts.tag)
    try {
      return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]).toString('utf8')
    } catch {
      throw new SecretBoxError(
        'Secret failed authentication: it was altered or belongs to another row, column or table'
      )
    }
  }

  /**
   * True when the value was sealed with any key but the newest, i.e. it
   * must be re-sealed before the older key can be removed.
   */
  needsRotation(sealed: string): boolean {
    return parseSealed(sealed).keyId !== this.#newest.id
  }

  /**
   * Re-seals under the newest key. Opening first means a value that does
   * not authenticate is reported instead of being laundered into a fresh,
   * valid-looking ciphertext.
   */
  rotate(sealed: string, purpose: SecretPurpose): string {
    return this.seal(this.open(sealed, purpose), purpose)
  }
}

function deriveKey(configuredKey: string): DerivedKey {
  const key = Buffer.from(hkdfSync('sha256', configuredKey, HKDF_SALT, HKDF_INFO, 32))
  const id = createHash('sha256').update(key).digest('base64url').slice(0, KEY_ID_LENGTH)
  return { id, key }
}

/**
 * JSON of an array is unambiguous where plain concatenation is not
 * ("ab" + "c" would equal "a" + "bc"). The row id is stringified so that
 * 42 and '42' (drivers differ for big integers) name the same row.
 */
function associatedData(purpose: SecretPurpose): Buffer {
  const { table, column, rowId } = purpose
  if (typeof table !== 'string' || table === '' || typeof column !== 'string' || column === '') {
    throw new TypeError('A secret purpose needs a non-empty table and column')
  }
  const isValidRowId =
    (typeof rowId === 'string' && rowId !== '') ||
    (typeof rowId === 'number' && Number.isSafeInteger(rowId))
  if (!isValidRowId) {
    throw new TypeError(`A secret purpose needs a row id, got ${JSON.stringify(rowId)}`)
  }
  return Buffer.from(JSON.stringify([FORMAT_VERSION, table, column, String(rowId)]), 'utf8')
}

function parseSealed(sealed: string): SealedParts {
  if (typeof sealed !== 'string') {
    throw new SecretBoxError('Sealed secret is not a string')
  }
  const parts = sealed.split('.')
  if (parts.length !== 5 || parts[0] !== FORMAT_VERSION) {
    throw new SecretBoxError('Sealed secret is not in the sbx1 format')
  }
  const [, keyId, iv, ciphertext, tag] = parts
  if (![keyId, iv, ciphertext, tag].every((part) => BASE64URL.test(part))) {
    throw new SecretBoxError('Sealed secret contains characters outside base64url')
  }
  const parsed = {
    keyId,
    iv: decodeCanonical(iv),
    ciphertext: decodeCanonical(ciphertext),
    tag: decodeCanonical(tag),
  }
  if (
    keyId.length !== KEY_ID_LENGTH ||
    parsed.iv.length !== IV_BYTES ||
    parsed.tag.length !== TAG_BYTES
  ) {
    throw new SecretBoxError('Sealed secret has parts of the wrong length')
  }
  return parsed
}

/**
 * Node ignores the unused low bits of a final base64 character, so several
 * spellings decode to the same bytes. Only the one seal() writes is
 * accepted: a sealed value has exactly one valid form.
 */
function decodeCanonical(part: string): Buffer {
  const bytes = Buffer.from(part, 'base64url')
  if (bytes.toString('base64url') !== part) {
    throw new SecretBoxError('Sealed secret is not canonically encoded')
  }
  return bytes
}

/**
 * The box for a SECRETS_ENCRYPTION_KEYS value: comma separated keys,
 * newest first, blanks around and between them ignored. Errors name the
 * variable, never a key.
 */
export function secretBoxFromKeyList(value: string | undefined): SecretBox {
  const keys = (value ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '')
  if (keys.length === 0) {
    throw new Error(
      'SECRETS_ENCRYPTION_KEYS is not set: configure at least one key of 32 or more characters'
    )
  }
  try {
    return new SecretBox(keys)
  } catch (error) {
    throw new Error(`SECRETS_ENCRYPTION_KEYS is invalid: ${(error as Error).message}`, {
      cause: error,
    })
  }
}

let defaultBox: SecretBox | undefined

/**
 * The application's box, keyed by SECRETS_ENCRYPTION_KEYS (validated at
 * boot by start/env.ts), built once.
 */
export function secretBox(): SecretBox {
  defaultBox ??= secretBoxFromKeyList(env.get('SECRETS_ENCRYPTION_KEYS'))
  return defaultBox
}
