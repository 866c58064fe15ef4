import { test } from '@japa/runner'
import { SecretBox, SecretBoxError, type SecretPurpose } from '#services/secret_box'

const oldKey = 'old-key-0123456789-abcdefghijklmnopqrstuvwxyz'
const newKey = 'new-key-9876543210-zyxwvutsrqponmlkjihgfedcba'
const purpose: SecretPurpose = { table: 'integrations', column: 'access_token', rowId: 7 }
const secret = 'ghp_exampleTokenValue1234567890'

function flipCharacter(sealed: string, index: number): string {
  const replacement = sealed[index] === 'A' ? 'B' : 'A'
  return `${sealed.slice(0, index)}${replacement}${sealed.slice(index + 1)}`
}

test.group('Secret box', () => {
  test('a sealed value opens to the original for the same purpose', ({ assert }) => {
    const box = new SecretBox([newKey])
    assert.equal(box.open(box.seal(secret, purpose), purpose), secret)
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
    assert.throws(() => new SecretBox([]), /at least one/)
  })

  test('the constructor refuses keys shorter than 32 characters', ({ assert }) => {
    assert.throws(() => new SecretBox(['x'.repeat(31)]), /shorter than 32/)
    assert.throws(() => new SecretBox([newKey, 'short']), /#2 is shorter than 32/)
  })

  test('the constructor refuses the same key listed twice', ({ assert }) => {
    assert.throws(() => new SecretBox([newKey, newKey]), /more than once/)
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
      const message = (thrown as Error).message
      assert.notInclude(message, secret)
      assert.notInclude(message, newKey)
      assert.notInclude(message, oldKey)
    }
  })
})
