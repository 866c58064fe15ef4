/**
 * Turns texts into vectors. Entries and questions must be embedded by the
 * same embedder: each stored vector records the embedder's id and
 * dimensions, so a change of embedder re-embeds the organisation's base.
 */
export interface Embedder {
  /** stable name of the model behind it ("local:…", "openai:…") */
  readonly id: string
  /** vector length; 0 until known for remote models that do not announce it */
  readonly dimensions: number
  /** one unit-length vector per text, in order */
  embed(texts: string[]): Promise<number[][]>
}

/** Scales a vector to unit length, so cosine similarity is a dot product. */
export function normalise(vector: number[]): number[] {
  let sum = 0
  for (const value of vector) sum += value * value
  const length = Math.sqrt(sum)
  if (length === 0) return vector.map(() => 0)
  return vector.map((value) => value / length)
}

/** An embedder could not produce vectors; the message is safe to show. */
export class EmbeddingFailed extends Error {}
