import { test } from '@japa/runner'
import { normalise } from '../../knowledge/embedders/embedder.js'
import {
  cosineSimilarity,
  decodeVector,
  encodeVector,
  topMatches,
} from '../../knowledge/vectors.js'
import { normaliseQuestion } from '../../knowledge/answer_cache.js'

test.group('Knowledge vectors', () => {
  test('cosine similarity is 1 for the same direction, 0 for orthogonal, -1 for opposite', ({
    assert,
  }) => {
    assert.closeTo(cosineSimilarity([1, 2, 3], [2, 4, 6]), 1, 1e-9)
    assert.closeTo(cosineSimilarity([1, 0], [0, 5]), 0, 1e-9)
    assert.closeTo(cosineSimilarity([1, 1], [-1, -1]), -1, 1e-9)
  })

  test('vectors of different lengths or all zeros are not similar', ({ assert }) => {
    assert.equal(cosineSimilarity([1, 2], [1, 2, 3]), 0)
    assert.equal(cosineSimilarity([0, 0], [1, 1]), 0)
  })

  test('normalise scales to unit length', ({ assert }) => {
    const unit = normalise([3, 4])
    assert.closeTo(unit[0], 0.6, 1e-9)
    assert.closeTo(unit[1], 0.8, 1e-9)
    assert.deepEqual(normalise([0, 0]), [0, 0])
  })

  test('a vector survives the base64 float32 round trip', ({ assert }) => {
    const vector = normalise([0.1, -0.25, 0.5, 0.75, -1])
    const decoded = decodeVector(encodeVector(vector))
    assert.lengthOf(decoded, 5)
    for (const [index, value] of vector.entries()) assert.closeTo(decoded[index], value, 1e-6)
  })

  test('top matches keeps at most k items at or above the threshold, best first', ({ assert }) => {
    const items = [
      { name: 'east', vector: [1, 0] },
      { name: 'north-east', vector: [1, 1] },
      { name: 'north', vector: [0, 1] },
      { name: 'almost east', vector: [1, 0.1] },
    ]
    const matches = topMatches([1, 0], items, (item) => item.vector, { k: 2, threshold: 0.7 })
    assert.deepEqual(
      matches.map((match) => match.item.name),
      ['east', 'almost east']
    )
    const loose = topMatches([1, 0], items, (item) => item.vector, { k: 5, threshold: 0.7 })
    assert.deepEqual(
      loose.map((match) => match.item.name),
      ['east', 'almost east', 'north-east']
    )
  })

  test('questions are normalised for the answer cache', ({ assert }) => {
    assert.equal(normaliseQuestion("  What's   the PLAN?! "), 'whats the plan')
    assert.equal(normaliseQuestion('Wie geht’s — Zürich?'), 'wie gehts zürich')
  })
})
