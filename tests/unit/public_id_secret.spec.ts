import { test } from '@japa/runner'
import { PublicIdCodec } from '#services/public_id'

const alphabet = 'k3G7QAe51FCsPW92uEOyq4Bg6Sp8YzVTmnU0liwDdHXLajZrfxNhobJIRcMvKt'

/**
 * Ids an installation without PUBLIC_ID_SECRET has always produced: if
 * these change, every URL such an installation ever handed out breaks.
 */
const PUBLISHED_ALPHABET_IDS = { organization: { 1: 'pmnZpYO8', 42: 'wCsjFvdU' } }

test.group('Public ids | an installation secret', () => {
  test('without a secret, ids are exactly the published alphabet’s (old URLs keep working)', ({
    assert,
  }) => {
    const codec = new PublicIdCodec('organization', alphabet, 8, null)
    assert.equal(codec.encode(1), PUBLISHED_ALPHABET_IDS.organization[1])
    assert.equal(codec.encode(42), PUBLISHED_ALPHABET_IDS.organization[42])
  })

  test('with a secret, nobody holding only the published alphabet can compute or read the ids', ({
    assert,
  }) => {
    const published = new PublicIdCodec('organization', alphabet, 8, null)
    const ours = new PublicIdCodec('organization', alphabet, 8, 'installation-secret-1')
    for (const key of [1, 2, 3, 42, 1000]) {
      assert.notEqual(ours.encode(key), published.encode(key))
      assert.notEqual(published.decode(ours.encode(key)), key)
      assert.equal(ours.decode(ours.encode(key)), key)
    }
  })

  test('two installations with different secrets give different ids to the same key', ({
    assert,
  }) => {
    const a = new PublicIdCodec('organization', alphabet, 8, 'secret-a')
    const b = new PublicIdCodec('organization', alphabet, 8, 'secret-b')
    assert.notEqual(a.encode(7), b.encode(7))
    assert.equal(a.encode(7), new PublicIdCodec('organization', alphabet, 8, 'secret-a').encode(7))
  })
})
