import { test } from '@japa/runner'
import {
  SecretBox,
  SecretBoxError,
  secretBox,
  secretBoxFromKeyList,
  type SecretPurpose,
} from '#services/secret_box'

const oldKey = 'old-key-0123456789-abcdefghijklmnopqrstuvwxyz'
const newKey = 'new-key-9876543210-zyxwvutsrqponmlkjihgfedcba'
const purpose: SecretPurpose = { table: 'integrations', column: 'access_token', rowId: 7 }
const secret = 'ghp_exampleTokenValue1234567890'

/** the sealed value with one of its five dot-separated parts replaced */
function withPart(sealed: string, index: number, part: string) {
  const parts = sealed.split('.')
  parts[index] = part
  return parts.join('.')
}

function flipCharacter(sealed: string, index: number): string {
  const replacement = sealed[index] === 'A' ? 'B' : 'A'
  return `${sealed.slice(0, index)}${replacement}${sealed.slice(index + 1)}`
}

test.group('Secret box', () => {
  test('a sealed value opens to the original for the same purpose', ({ assert }) => {
    const box = new SecretBox([newKey])
    assert.equal(box.open(box.seal(secret, purpose), purpose), secret)
  })

  test('a value sealed by an earlier release still opens: the key derivation never changes', ({
    assert,
  }) => {
    // Sealed once with newKey and kept: HKDF's salt and labels, the key id
    // and the format are all in it. A change to any makes stored secrets
    // unreadable after an upgrade.
    const stored =
      'sbx1.9o1Ow7Zx.wroghzkxQBEyhHE6.nQtJF5RiBJ_Q0oTbac6pc_FrbASq8WUBFtLwDc4oVQ.CSKo9T-HlEm0RXsHbx6YDg'
    const box = new SecretBox([newKey])
    assert.equal(box.open(stored, purpose), secret)
    assert.isTrue(box.seal(secret, purpose).startsWith('sbx1.9o1Ow7Zx.'), 'the same key id')
  })

  test('empty and non-ASCII values survive the round trip', ({ assert }) => {
    const box = new SecretBox([newKey])
    for (const value of ['', 'pässwörd 🔑 秘密']) {
      assert.equal(box.open(box.seal(value, purpose), purpose), value)
    }
  })

  test('sealing the same value twice gives different ciphertexts', ({ assert }) => {
    const box = new SecretBox([newKey])
    assert.notEqual(box.seal(secret, purpose), box.seal(secret, purpose))
  })

  test('the sealed string has the sbx1 format and does not contain the plaintext', ({ assert }) => {
    const box = new SecretBox([newKey])
    const sealed = box.seal(secret, purpose)
    assert.match(sealed, /^sbx1\.[\w-]{8}\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/)
    assert.notInclude(sealed, secret)
    assert.notInclude(sealed, Buffer.from(secret).toString('base64url'))
    assert.notInclude(sealed, Buffer.from(secret).toString('base64'))
    assert.notInclude(sealed, Buffer.from(secret).toString('hex'))
  })

  test('a value moved to another row does not open', ({ assert }) => {
    const box = new SecretBox([newKey])
    const sealed = box.seal(secret, purpose)
    assert.throws(() => box.open(sealed, { ...purpose, rowId: 8 }), SecretBoxError)
  })

  test('a value moved to another column does not open', ({ assert }) => {
    const box = new SecretBox([newKey])
    const sealed = box.seal(secret, purpose)
    assert.throws(() => box.open(sealed, { ...purpose, column: 'webhook_secret' }), SecretBoxError)
  })

  test('a value moved to another table does not open', ({ assert }) => {
    const box = new SecretBox([newKey])
    const sealed = box.seal(secret, purpose)
    assert.throws(() => box.open(sealed, { ...purpose, table: 'users' }), SecretBoxError)
  })

  test('a numeric row id and its string spelling name the same row', ({ assert }) => {
    const box = new SecretBox([newKey])
    const sealed = box.seal(secret, { ...purpose, rowId: 42 })
    assert.equal(box.open(sealed, { ...purpose, rowId: '42' }), secret)
  })

  test('a value altered anywhere in its iv, ciphertext or tag does not open', ({ assert }) => {
    const box = new SecretBox([newKey])
    const sealed = box.seal(secret, purpose)
    const bodyStart = sealed.indexOf('.', 'sbx1.'.length) + 1
    for (let index = bodyStart; index < sealed.length; index++) {
      if (sealed[index] === '.') continue
      assert.throws(() => box.open(flipCharacter(sealed, index), purpose), SecretBoxError)
    }
  })

  test('each malformation is refused with the message that names it', ({ assert }) => {
    const box = new SecretBox([newKey])
    const sealed = box.seal(secret, purpose)
    const [, keyId, iv, , tag] = sealed.split('.')
    const cases: Array<[unknown, string]> = [
      [42, 'Sealed secret is not a string'],
      ['sbx2' + sealed.slice(4), 'Sealed secret is not in the sbx1 format'],
      [`${sealed}.extra`, 'Sealed secret is not in the sbx1 format'],
      [sealed.split('.').slice(0, 4).join('.'), 'Sealed secret is not in the sbx1 format'],
      // base64 outside the url-safe alphabet, at the start and at the end of a part
      [
        withPart(sealed, 4, `+${tag.slice(1)}`),
        'Sealed secret contains characters outside base64url',
      ],
      [
        withPart(sealed, 2, `${iv.slice(0, -1)}/`),
        'Sealed secret contains characters outside base64url',
      ],
      [withPart(sealed, 1, `${keyId}=`), 'Sealed secret contains characters outside base64url'],
      // a last character whose unused low bits are set decodes to the same bytes
      [
        withPart(sealed, 4, `${tag.slice(0, -1)}${tag.at(-1) === 'B' ? 'C' : 'B'}`),
        'Sealed secret is not canonically encoded',
      ],
      [withPart(sealed, 1, keyId.slice(1)), 'Sealed secret has parts of the wrong length'],
      [withPart(sealed, 1, `${keyId}A`), 'Sealed secret has parts of the wrong length'],
      [
        withPart(sealed, 2, Buffer.alloc(16).toString('base64url')),
        'Sealed secret has parts of the wrong length',
      ],
      [
        withPart(sealed, 4, Buffer.alloc(12).toString('base64url')),
        'Sealed secret has parts of the wrong length',
      ],
      [
        withPart(sealed, 1, 'AAAAAAAA'),
        'Secret was sealed with key AAAAAAAA, which is not configured',
      ],
    ]
    for (const [candidate, message] of cases) {
      assert.throws(
        () => box.open(candidate as string, purpose),
        SecretBoxError,
        message,
        `${String(candidate)} should be refused with "${message}"`
      )
    }
    assert.throws(
      () => box.open(sealed, { ...purpose, rowId: 8 }),
      SecretBoxError,
      'Secret failed authentication: it was altered or belongs to another row, column or table'
    )
  })

  test('a purpose without a table, a column or a whole row id is a programming error', ({
    assert,
  }) => {
    const box = new SecretBox([newKey])
    const sealed = box.seal(secret, purpose)
    const tableOrColumn = 'A secret purpose needs a non-empty table and column'
    const invalid: Array<[Record<string, unknown>, string]> = [
      [{ ...purpose, table: '' }, tableOrColumn],
      [{ ...purpose, table: 7 }, tableOrColumn],
      [{ ...purpose, column: '' }, tableOrColumn],
      [{ ...purpose, column: null }, tableOrColumn],
      [{ ...purpose, rowId: '' }, 'A secret purpose needs a row id, got ""'],
      [{ ...purpose, rowId: 1.5 }, 'A secret purpose needs a row id, got 1.5'],
      [{ ...purpose, rowId: Number.NaN }, 'A secret purpose needs a row id, got null'],
      [{ ...purpose, rowId: null }, 'A secret purpose needs a row id, got null'],
      [{ ...purpose, rowId: 2 ** 60 }, `A secret purpose needs a row id, got ${2 ** 60}`],
    ]
    for (const [candidate, message] of invalid) {
      const wrong = candidate as unknown as SecretPurpose
      assert.throws(() => box.seal(secret, wrong), TypeError, message)
      assert.throws(() => box.open(sealed, wrong), TypeError, message)
    }
    // A string row id and zero are rows like any other.
    for (const rowId of ['row-1', 0]) {
      const other = { ...purpose, rowId }
      assert.equal(box.open(box.seal(secret, other), other), secret)
    }
  })

  test('malformed input is refused with a SecretBoxError', ({ assert }) => {
    const box = new SecretBox([newKey])
    const sealed = box.seal(secret, purpose)
    for (const candidate of [
      '',
      secret,
      'sbx1....',
      sealed.replace('sbx1.', 'sbx2.'),
      `${sealed}.extra`,
      sealed.slice(0, -4),
      sealed.replace(/\.[\w-]+$/, '.!!!!!!!!!!!!!!!!!!!!!!'),
    ]) {
      assert.throws(() => box.open(candidate, purpose), SecretBoxError)
    }
  })

  test('a value sealed with an older key opens after a new key is prepended', ({ assert }) => {
    const sealed = new SecretBox([oldKey]).seal(secret, purpose)
    const rotatedBox = new SecretBox([newKey, oldKey])
    assert.equal(rotatedBox.open(sealed, purpose), secret)
  })

  test('a value sealed with an older key needs rotation', ({ assert }) => {
    const sealed = new SecretBox([oldKey]).seal(secret, purpose)
    assert.isTrue(new SecretBox([newKey, oldKey]).needsRotation(sealed))
  })

  test('rotate re-seals with the newest key so no rotation is needed', ({ assert }) => {
    const sealed = new SecretBox([oldKey]).seal(secret, purpose)
    const rotatedBox = new SecretBox([newKey, oldKey])
    const rotated = rotatedBox.rotate(sealed, purpose)
    assert.isFalse(rotatedBox.needsRotation(rotated))
    assert.equal(new SecretBox([newKey]).open(rotated, purpose), secret)
  })

  test('a value sealed with the newest key does not need rotation', ({ assert }) => {
    const box = new SecretBox([newKey, oldKey])
    assert.isFalse(box.needsRotation(box.seal(secret, purpose)))
  })

  test('rotate refuses a value sealed for another purpose', ({ assert }) => {
    const sealed = new SecretBox([oldKey]).seal(secret, purpose)
    const rotatedBox = new SecretBox([newKey, oldKey])
    assert.throws(() => rotatedBox.rotate(sealed, { ...purpose, rowId: 8 }), SecretBoxError)
  })

  test('a box without the key a value was sealed with refuses to open it', ({ assert }) => {
    const sealed = new SecretBox([oldKey]).seal(secret, purpose)
    assert.throws(() => new SecretBox([newKey]).open(sealed, purpose), SecretBoxError)
  })

  test('the constructor refuses an empty key list', ({ assert }) => {
    assert.throws(() => new SecretBox([]), 'SecretBox needs at least one encryption key')
  })

  test('the constructor refuses keys shorter than 32 characters', ({ assert }) => {
    assert.throws(
      () => new SecretBox(['x'.repeat(31)]),
      'SecretBox encryption key #1 is shorter than 32 characters'
    )
    assert.throws(() => new SecretBox([newKey, 'short']), /#2 is shorter than 32/)
    const exactly32 = new SecretBox(['y'.repeat(32)])
    assert.equal(exactly32.open(exactly32.seal(secret, purpose), purpose), secret)
  })

  test('the constructor refuses the same key listed twice', ({ assert }) => {
    assert.throws(
      () => new SecretBox([newKey, newKey]),
      /^SecretBox encryption key [\w-]{8} is configured more than once$/
    )
  })

  test('SECRETS_ENCRYPTION_KEYS lists keys newest first, blanks ignored', ({ assert }) => {
    const sealedWithOld = new SecretBox([oldKey]).seal(secret, purpose)
    const box = secretBoxFromKeyList(` ${newKey} , ,${oldKey},`)
    assert.equal(box.open(sealedWithOld, purpose), secret)
    assert.isTrue(box.needsRotation(sealedWithOld))
    assert.isFalse(box.needsRotation(box.seal(secret, purpose)))
    assert.equal(new SecretBox([newKey]).open(box.seal(secret, purpose), purpose), secret)
  })

  test('an empty or invalid SECRETS_ENCRYPTION_KEYS is named, without the key', ({ assert }) => {
    const notSet =
      'SECRETS_ENCRYPTION_KEYS is not set: configure at least one key of 32 or more characters'
    assert.throws(() => secretBoxFromKeyList(undefined), notSet)
    assert.throws(() => secretBoxFromKeyList(' , '), notSet)
    let thrown: Error | null = null
    try {
      secretBoxFromKeyList(`${newKey},short-key-value`)
    } catch (error) {
      thrown = error as Error
    }
    assert.equal(
      thrown?.message,
      'SECRETS_ENCRYPTION_KEYS is invalid: SecretBox encryption key #2 is shorter than 32 characters'
    )
    assert.instanceOf(thrown?.cause, Error)
    assert.notInclude(thrown!.message, 'short-key-value')
  })

  test("the application's box is built once from the configured keys", ({ assert }) => {
    const configured = process.env.SECRETS_ENCRYPTION_KEYS!
    assert.strictEqual(secretBox(), secretBox())
    const sealed = secretBox().seal(secret, purpose)
    assert.equal(new SecretBox(configured.split(',')).open(sealed, purpose), secret)
  })

  test('errors never contain the plaintext or the key', ({ assert }) => {
    const box = new SecretBox([newKey])
    const sealed = box.seal(secret, purpose)
    const failures: Array<[string, () => unknown]> = [
      ['another row', () => box.open(sealed, { ...purpose, rowId: 8 })],
      ['a flipped tag', () => box.open(flipCharacter(sealed, sealed.length - 2), purpose)],
      ['an unknown key', () => new SecretBox([oldKey]).open(sealed, purpose)],
    ]
    for (const [what, open] of failures) {
      // Caught outside the assertion: an open() that succeeds must fail the test.
      let thrown: unknown = null
      try {
        open()
      } catch (error) {
        thrown = error
      }
      assert.instanceOf(thrown, SecretBoxError, `open() with ${what} must throw`)
      assert.equal((thrown as Error).name, 'SecretBoxError')
      const message = (thrown as Error).message
      assert.notInclude(message, secret)
      assert.notInclude(message, newKey)
      assert.notInclude(message, oldKey)
    }
  })
})
