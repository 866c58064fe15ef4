import { test } from '@japa/runner'
import { TOTP_PERIOD_SECONDS, embeddableSvg, totp } from '#services/totp'

/** RFC 6238 appendix B: the ASCII secret "12345678901234567890" in base32. */
const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
const periodMs = TOTP_PERIOD_SECONDS * 1000

/** Middle of a step, so ±1 step never lands on a boundary by rounding. */
const now = 1_750_000_015_000
const currentStep = Math.floor(now / periodMs)

test.group('TOTP', () => {
  test('a generated secret is 32 base32 characters (160 bits)', ({ assert }) => {
    const secret = totp.generateSecret()
    assert.match(secret, /^[A-Z2-7]{32}$/)
    assert.notEqual(totp.generateSecret(), secret)
  })

  test('codes match the RFC 6238 SHA-1 test vectors', ({ assert }) => {
    assert.equal(totp.codeAt(rfcSecret, 59_000), '287082')
    assert.equal(totp.codeAt(rfcSecret, 1_111_111_109_000), '081804')
  })

  test('the code for now verifies and returns the current step', ({ assert }) => {
    const result = totp.verify(rfcSecret, totp.codeAt(rfcSecret, now), { now })
    assert.deepEqual(result, { ok: true, step: currentStep })
  })

  test('the previous and next steps are accepted for clock drift', ({ assert }) => {
    const previous = totp.codeAt(rfcSecret, now - periodMs)
    const next = totp.codeAt(rfcSecret, now + periodMs)
    assert.deepEqual(totp.verify(rfcSecret, previous, { now }), { ok: true, step: currentStep - 1 })
    assert.deepEqual(totp.verify(rfcSecret, next, { now }), { ok: true, step: currentStep + 1 })
  })

  test('codes two steps away are invalid', ({ assert }) => {
    for (const offset of [-2, 2]) {
      const code = totp.codeAt(rfcSecret, now + offset * periodMs)
      assert.deepEqual(totp.verify(rfcSecret, code, { now }), { ok: false, reason: 'invalid' })
    }
  })

  test('a code typed with spaces verifies', ({ assert }) => {
    const code = totp.codeAt(rfcSecret, now)
    const spaced = ` ${code.slice(0, 3)} ${code.slice(3)} `
    assert.deepEqual(totp.verify(rfcSecret, spaced, { now }), { ok: true, step: currentStep })
  })

  test('a code of the last used step is refused as replayed', ({ assert }) => {
    const code = totp.codeAt(rfcSecret, now)
    const result = totp.verify(rfcSecret, code, { now, lastUsedStep: currentStep })
    assert.deepEqual(result, { ok: false, reason: 'replayed' })
  })

  test('a code older than the last used step is refused as replayed', ({ assert }) => {
    const previous = totp.codeAt(rfcSecret, now - periodMs)
    const result = totp.verify(rfcSecret, previous, { now, lastUsedStep: currentStep })
    assert.deepEqual(result, { ok: false, reason: 'replayed' })
  })

  test('a code newer than the last used step verifies', ({ assert }) => {
    const code = totp.codeAt(rfcSecret, now)
    const result = totp.verify(rfcSecret, code, { now, lastUsedStep: currentStep - 1 })
    assert.deepEqual(result, { ok: true, step: currentStep })
  })

  test('a wrong code is invalid, not replayed, when a step was used', ({ assert }) => {
    const wrong = totp.codeAt(rfcSecret, now + 5 * periodMs)
    const result = totp.verify(rfcSecret, wrong, { now, lastUsedStep: currentStep + 1 })
    assert.deepEqual(result, { ok: false, reason: 'invalid' })
  })

  test('a last used step at the end of the window leaves no code in it fresh', ({ assert }) => {
    for (const offset of [-1, 0, 1]) {
      const code = totp.codeAt(rfcSecret, now + offset * periodMs)
      const result = totp.verify(rfcSecret, code, { now, lastUsedStep: currentStep + 1 })
      assert.deepEqual(result, { ok: false, reason: 'replayed' }, `offset ${offset}`)
    }
  })

  test('a last used step ahead of the window (the clock went back) refuses codes as replayed', ({
    assert,
  }) => {
    const code = totp.codeAt(rfcSecret, now)
    for (const lastUsedStep of [currentStep + 2, currentStep + 1000]) {
      const result = totp.verify(rfcSecret, code, { now, lastUsedStep })
      assert.deepEqual(result, { ok: false, reason: 'replayed' })
    }
  })

  test('a last used step of 0 is a step like any other', ({ assert }) => {
    const code = totp.codeAt(rfcSecret, now)
    assert.deepEqual(totp.verify(rfcSecret, code, { now, lastUsedStep: 0 }), {
      ok: true,
      step: currentStep,
    })
  })

  test('a last used step that is not a non-negative integer is a programming error', ({
    assert,
  }) => {
    const code = totp.codeAt(rfcSecret, now)
    for (const lastUsedStep of [-1, 1.5, Number.NaN, 2 ** 60]) {
      assert.throws(
        () => totp.verify(rfcSecret, code, { now, lastUsedStep }),
        TypeError,
        `lastUsedStep must be a non-negative integer, got ${lastUsedStep}`
      )
    }
  })

  test('a code that is not a string is invalid, not an error', ({ assert }) => {
    const code = totp.codeAt(rfcSecret, now)
    for (const value of [Number(code), null, undefined, [code], { code }]) {
      assert.deepEqual(totp.verify(rfcSecret, value as unknown as string, { now }), {
        ok: false,
        reason: 'invalid',
      })
    }
  })

  test('garbage, short, long and non-digit codes are invalid', ({ assert }) => {
    for (const code of ['', 'garbage', '12345', '1234567', 'abcdef', '12345a', '１２３４５６']) {
      assert.deepEqual(totp.verify(rfcSecret, code, { now }), { ok: false, reason: 'invalid' })
    }
  })

  test('the key URI names the secret, issuer and standard parameters', ({ assert }) => {
    const secret = totp.generateSecret()
    const uri = totp.keyUri({ secret, accountName: 'ada@example.com', issuer: 'Sextant' })
    assert.isTrue(uri.startsWith('otpauth://totp/Sextant:ada%40example.com?'))
    const parameters = new URL(uri).searchParams
    assert.equal(parameters.get('secret'), secret)
    assert.equal(parameters.get('issuer'), 'Sextant')
    assert.equal(parameters.get('algorithm'), 'SHA1')
    assert.equal(parameters.get('digits'), '6')
    assert.equal(parameters.get('period'), '30')
    for (const name of ['secret', 'issuer', 'algorithm', 'digits', 'period']) {
      assert.lengthOf(parameters.getAll(name), 1, `${name} appears once`)
    }
  })

  test('the key URI refuses a colon in the issuer or account name', ({ assert }) => {
    const secret = totp.generateSecret()
    const message = 'A TOTP issuer or account name cannot contain ":"'
    assert.throws(() => totp.keyUri({ secret, accountName: 'a:b', issuer: 'Sextant' }), message)
    assert.throws(() => totp.keyUri({ secret, accountName: 'ada', issuer: 'Sex:tant' }), message)
  })

  test('the QR code is SVG markup without inline styles or scripts', async ({ assert }) => {
    const uri = totp.keyUri({
      secret: totp.generateSecret(),
      accountName: 'ada@example.com',
      issuer: 'Sextant',
    })
    const svg = await totp.qrSvg(uri)
    assert.isTrue(svg.startsWith('<svg'))
    assert.isTrue(svg.endsWith('</svg>'))
    assert.notInclude(svg, 'style=')
    assert.notInclude(svg, '<script')
  })

  test('embedded SVG loses its XML declaration and every style attribute, nothing else', ({
    assert,
  }) => {
    const raw = [
      '  <?xml version="1.0" encoding="utf-8"?>',
      '<svg xmlns="http://www.w3.org/2000/svg" style="background: red" viewBox="0 0 1 1">',
      '<path fill="#fff" style = \'stroke: none\' d="M0 0"/><path stroke="#000" d="M1 1"/>',
      '</svg>  ',
    ].join('\n')
    assert.equal(
      embeddableSvg(raw),
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">\n' +
        '<path fill="#fff" d="M0 0"/><path stroke="#000" d="M1 1"/>\n</svg>'
    )
    // A declaration anywhere but at the start is content, and stays.
    assert.equal(embeddableSvg('<svg><?xml x?></svg>'), '<svg><?xml x?></svg>')
    // "style" inside another attribute's name or value is not a style attribute.
    assert.equal(
      embeddableSvg('<svg data-style="a" aria-label="style=x"></svg>'),
      '<svg data-style="a" aria-label="style=x"></svg>'
    )
  })
})
