import { test } from '@japa/runner'
import {
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  passwordProblems,
} from '#services/password_policy'

const tooShort = 'Use at least 12 characters.'
const tooLong = 'Use at most 128 characters.'
const tooCommon = 'This password is too common; choose another.'
const personal = 'Do not use your email address or name in your password.'
const pattern = 'Do not use a repeated character or a simple sequence such as 1234 or abcd.'

test.group('Password policy', () => {
  test('the length limits are 12 and 128', ({ assert }) => {
    assert.equal(MIN_PASSWORD_LENGTH, 12)
    assert.equal(MAX_PASSWORD_LENGTH, 128)
  })

  test('a password shorter than 12 characters is refused', ({ assert }) => {
    assert.include(passwordProblems('Xq7#mP2!vL9'), tooShort)
  })

  test('a password longer than 128 characters is refused', ({ assert }) => {
    const password = 'Xq7#mP2!vL9$'.repeat(11).slice(0, 129)
    assert.include(passwordProblems(password), tooLong)
  })

  test('a 128-character password is accepted', ({ assert }) => {
    const password = 'gT4!rW8#kZ2@pN6&'.repeat(8)
    assert.lengthOf(password, 128)
    assert.deepEqual(passwordProblems(password), [])
  })

  test('a long passphrase of common words is accepted', ({ assert }) => {
    assert.deepEqual(passwordProblems('correct horse battery staple'), [])
  })

  test('a strong random password is accepted', ({ assert }) => {
    assert.deepEqual(passwordProblems('x7#Qm9!vLp2@Rt'), [])
  })

  test('common passwords padded to 12 characters are refused', ({ assert }) => {
    for (const password of ['password1234', 'qwertyuiop12', 'Password1234!', 'monkey123456']) {
      assert.include(passwordProblems(password), tooCommon, password)
    }
  })

  test('a password containing the email local part is refused', ({ assert }) => {
    const problems = passwordProblems('Grace.Hopper-Xq7#mP2', { email: 'grace.hopper@example.com' })
    assert.include(problems, personal)
  })

  test('a password containing part of the name is refused', ({ assert }) => {
    const problems = passwordProblems('zq!HOPPER-river-77', { fullName: 'Grace Hopper' })
    assert.include(problems, personal)
  })

  test('name and email parts shorter than 3 characters are ignored', ({ assert }) => {
    const problems = passwordProblems('ed-Xq7#mP2!vL9$', {
      email: 'ed@example.com',
      fullName: 'Ed Li',
    })
    assert.notInclude(problems, personal)
  })

  test('missing or null context is accepted', ({ assert }) => {
    assert.deepEqual(passwordProblems('x7#Qm9!vLp2@Rt', { email: null, fullName: null }), [])
  })

  test('a single repeated character is refused', ({ assert }) => {
    assert.include(passwordProblems('aaaaaaaaaaaa'), pattern)
    assert.include(passwordProblems('🔒'.repeat(12)), pattern)
  })

  test('simple sequences of digits or letters are refused', ({ assert }) => {
    for (const password of ['123456789012', 'abcdefghijkl', 'zyxwvutsrqpo', '098765432109']) {
      assert.include(passwordProblems(password), pattern, password)
    }
  })

  test('a predictable password that breaks no specific rule is refused as guessable', ({
    assert,
  }) => {
    assert.deepEqual(passwordProblems('iloveyouverymuch'), [
      'This password is too easy to guess; make it longer or less predictable.',
    ])
  })

  test('length is counted in code points, not UTF-16 units', ({ assert }) => {
    const elevenEmoji = '🦊🐙🦉🐢🦀🐝🦔🐳🦜🐌🦒'
    assert.lengthOf(elevenEmoji, 22)
    assert.include(passwordProblems(elevenEmoji), tooShort)

    const longUnicode = 'ж🦊q9🐙Ω!🦉'.repeat(16)
    assert.lengthOf([...longUnicode], 128)
    assert.notInclude(passwordProblems(longUnicode), tooLong)
  })
})
