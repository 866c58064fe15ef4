/**
 * Vectors are stored as base64 of their float32 bytes: a quarter of the
 * size of JSON text, and the same on every database engine.
 */
export function encodeVector(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64')
}

export function decodeVector(encoded: string): Float32Array {
  const bytes = Buffer.from(encoded, 'base64')
  // copy into an aligned buffer: a Buffer's byteOffset need not be a multiple of 4
  const copy = new Uint8Array(bytes.length - (bytes.length % 4))
  copy.set(bytes.subarray(0, copy.length))
  return new Float32Array(copy.buffer)
}

/**
 * Cosine similarity of two vectors. Embedders return unit vectors, but
 * this divides by the lengths anyway so a vector stored by an older or
 * external embedder compares correctly. 0 when either is all zeros or
 * their lengths differ.
 */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) return 0
  let dot = 0
  let lengthA = 0
  let lengthB = 0
  let index = a.length
  while (index-- > 0) {
    dot += a[index] * b[index]
    lengthA += a[index] * a[index]
    lengthB += b[index] * b[index]
  }
  if (lengthA === 0 || lengthB === 0) return 0
  return dot / Math.sqrt(lengthA * lengthB)
}

export type Scored<T> = { item: T; similarity: number }

/**
 * The k items most similar to the query whose similarity reaches the
 * threshold, best first. A linear scan: fine for the few thousand
 * entries a knowledge base holds.
 */
export function topMatches<T>(
  query: ArrayLike<number>,
  items: T[],
  vectorOf: (item: T) => ArrayLike<number>,
  options: { k: number; threshold: number }
): Scored<T>[] {
  return items
    .map((item) => ({ item, similarity: cosineSimilarity(query, vectorOf(item)) }))
    .filter((scored) => scored.similarity >= options.threshold)
    .sort((left, right) => right.similarity - left.similarity)
    .slice(0, Math.max(0, options.k))
}
