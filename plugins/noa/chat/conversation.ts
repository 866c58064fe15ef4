/**
 * The shapes the answer pipeline works on, shared by the glasses
 * endpoint and the web chat.
 */
export type ChatTurn = { role: 'user' | 'assistant'; content: string }

/**
 * A photo as the pipeline carries it. `dataUrl` (what the vision model is
 * sent) and `base64` (what the message stores) are one string: `base64`
 * is a slice of `dataUrl`, so a 200 KB photo is encoded once and held
 * once, not once more as a data URL at every model call.
 */
export type InlineImage = { mime: string; base64: string; dataUrl: string }

/** the photo's bytes, base64-encoded once (see InlineImage) */
export function inlineImage(mime: string, bytes: Buffer): InlineImage {
  return inlineImageFromBase64(mime, bytes.toString('base64'))
}

/** a stored photo (its base64) made ready for the model again */
export function inlineImageFromBase64(mime: string, base64: string): InlineImage {
  const prefix = `data:${mime};base64,`
  const dataUrl = prefix + base64
  // slicing flattens the concatenation once; the slice shares its characters
  return { mime, base64: dataUrl.slice(prefix.length), dataUrl }
}

/** at most this many earlier turns go to the model with a question */
export const HISTORY_LIMIT = 20

/** a message's text, whether a string or OpenAI-style content parts */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) {
    return content
      .map((part) => (part && typeof part.text === 'string' ? part.text : ''))
      .filter(Boolean)
      .join('\n')
  }
  if (content === null || content === undefined || typeof content === 'object') return ''
  return String(content)
}

/**
 * Reads the app's `messages` history liberally: anything that is not a
 * user or assistant turn with text is left out rather than refused.
 */
export function normaliseHistory(value: unknown): ChatTurn[] {
  if (!Array.isArray(value)) return []
  const turns: ChatTurn[] = []
  for (const item of value) {
    if (!item || typeof item !== 'object') continue
    const { role, content } = item as { role?: unknown; content?: unknown }
    if (role !== 'user' && role !== 'assistant') continue
    const text = textOf(content)
    if (text.trim() === '') continue
    turns.push({ role, content: text })
  }
  return turns.slice(-HISTORY_LIMIT)
}

/** a thread title from its first question */
export function titleFrom(prompt: string) {
  const text = prompt.replace(/\s+/g, ' ').trim()
  if (text === '') return 'New conversation'
  return text.length > 80 ? `${text.slice(0, 77)}…` : text
}
