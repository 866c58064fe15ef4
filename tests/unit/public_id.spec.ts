import { test } from '@japa/runner'
import { INTEGER_KEY_MAX, PublicIdCodec, publicIds } from '#services/public_id'

const alphabet = 'k3G7QAe51FCsPW92uEOyq4Bg6Sp8YzVTmnU0liwDdHXLajZrfxNhobJIRcMvKt'

test.group('Public ids', () => {
  test('a key survives the round trip through its public id', ({ assert }) => {
    const codec = new PublicIdCodec('organization', alphabet, 8)
    for (const key of [1, 2, 42, 1_000_000, Number.MAX_SAFE_INTEGER]) {
      assert.equal(codec.decode(codec.encode(key)), key)
    }
  })

  test('public ids are at least the configured length and never the bare key', ({ assert }) => {
    const codec = new PublicIdCodec('organization', alphabet, 8)
    const id = codec.encode(7)
    assert.isAtLeast(id.length, 8)
    assert.notInclude(id, '7'.repeat(id.length))
    assert.notEqual(id, '7')
  })

  test('the same key gives unrelated public ids for different kinds', ({ assert }) => {
    const organizations = new PublicIdCodec('organization', alphabet, 8)
    const repositories = new PublicIdCodec('repository', alphabet, 8)
    assert.notEqual(organizations.encode(5), repositories.encode(5))
    assert.isNull(repositories.decode(organizations.encode(5)))
  })

  test('encoding is stable across codec instances (URLs survive restarts)', ({ assert }) => {
    const first = new PublicIdCodec('organization', alphabet, 8)
    const second = new PublicIdCodec('organization', alphabet, 8)
    assert.equal(first.encode(123), second.encode(123))
  })

  test('primary keys, garbage and non-canonical spellings are refused', ({ assert }) => {
    const codec = new PublicIdCodec('organization', alphabet, 8)
    const valid = codec.encode(9)
    for (const candidate of [
      '1',
      '42',
      '',
      ' ',
      'not-an-id',
      `${valid}${valid[0]}`,
      'a'.repeat(40),
      null,
      12,
      {},
    ]) {
      assert.isNull(codec.decode(candidate), `accepted ${JSON.stringify(candidate)}`)
    }
  })

  test('a truncated public id is refused', ({ assert }) => {
    const codec = new PublicIdCodec('organization', alphabet, 8)
    assert.isNull(codec.decode(codec.encode(3).slice(0, -1)))
  })

  test('negative, fractional and unsafe keys cannot be encoded, and say so', ({ assert }) => {
    const codec = new PublicIdCodec('organization', alphabet, 8)
    for (const key of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      assert.throws(
        () => codec.encode(key),
        TypeError,
        `Cannot encode "${String(key)}" as a organization public id`
      )
    }
    assert.throws(() => codec.encode(-1n), `Cannot encode "-1" as a organization public id`)
  })

  test('a bigint key (drivers return them for big ids) encodes like the number', ({ assert }) => {
    const codec = new PublicIdCodec('organization', alphabet, 8)
    assert.equal(codec.encode(42n), codec.encode(42))
    assert.equal(codec.decode(codec.encode(42n)), 42)
  })

  test('0 is no row: it may be encoded, but never decodes', ({ assert }) => {
    const codec = new PublicIdCodec('organization', alphabet, 8)
    assert.isNull(codec.decode(codec.encode(0)))
  })

  test('public ids are the same in every release: URLs people saved keep working', ({ assert }) => {
    // Known values: a change to the alphabet shuffle or the codec changes them.
    const keys = [1, 42, 1_000_000, Number.MAX_SAFE_INTEGER]
    const expected = {
      organization: ['pmnZpYO8', 'wCsjFvdU', 'fCi8QAFo', 'v1v2mcOMOC'],
      repository: ['kLQLW1pg', '0kP24LpT', 'OxWnyU2o', 'J6JepmaFan'],
    }
    for (const [kind, ids] of Object.entries(expected)) {
      const codec = new PublicIdCodec(kind, alphabet, 8)
      assert.deepEqual(
        keys.map((key) => codec.encode(key)),
        ids,
        kind
      )
    }
  })

  test("an id that decodes past its table's key column is no row (PostgreSQL would refuse the query)", ({
    assert,
  }) => {
    const codec = new PublicIdCodec('organization', alphabet, 8, null, INTEGER_KEY_MAX)
    assert.equal(codec.decode(codec.encode(INTEGER_KEY_MAX)), INTEGER_KEY_MAX)
    assert.isNull(codec.decode(codec.encode(INTEGER_KEY_MAX + 1)))
    // a made-up word that happens to be a canonical id of 2,009,025,172,444
    assert.isNull(publicIds('webhook_delivery').decode('nonsense'))
  })

  test('a kind with a BIGINT key decodes keys past the INTEGER range', ({ assert }) => {
    const facts = publicIds('ai_code_fact')
    assert.equal(facts.decode(facts.encode(INTEGER_KEY_MAX + 1)), INTEGER_KEY_MAX + 1)
    assert.equal(facts.decode(facts.encode(Number.MAX_SAFE_INTEGER)), Number.MAX_SAFE_INTEGER)
    assert.isNull(publicIds('repository').decode(publicIds('repository').encode(2 ** 40)))
  })

  test("the application's codec of a kind is built once", ({ assert }) => {
    assert.strictEqual(publicIds('organization'), publicIds('organization'))
    assert.notStrictEqual(publicIds('organization'), publicIds('repository'))
    assert.equal(publicIds('repository').kind, 'repository')
  })
})
