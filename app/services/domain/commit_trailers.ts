/**
 * Git trailers ("Key: value" lines in the last paragraph of a commit
 * message) and whether they mark the change as AI-assisted. Reading
 * trailers rather than guessing from prose keeps the GenAI share honest:
 * a commit counts only when its author or tool said so.
 */
export type Trailer = { key: string; value: string }

const TRAILER_LINE = /^([A-Za-z][A-Za-z0-9-]*)\s*:\s*(.+)$/

export function parseTrailers(message: string): Trailer[] {
  const paragraphs = message
    .replace(/\r\n/g, '\n')
    .trim()
    .split(/\n\s*\n/)
  if (paragraphs.length < 2) return []
  const lines = paragraphs[paragraphs.length - 1].split('\n')
  const trailers: Trailer[] = []
  for (const line of lines) {
    const match = TRAILER_LINE.exec(line.trim())
    // A paragraph is a trailer block only if every line is a trailer.
    if (!match) return []
    trailers.push({ key: match[1], value: match[2].trim() })
  }
  return trailers
}

/**
 * Co-authors and tool trailers written by AI coding agents. Matched on
 * the trailer's value (name and address), case-insensitively.
 */
const AI_AGENT_PATTERNS = [
  /copilot/i,
  /\bclaude\b|anthropic\.com/i,
  /\bcursor(agent)?\b|cursor\.(sh|com)/i,
  /\bcodex\b|openai\.com/i,
  /\bgemini\b|google-labs-jules|jules\b/i,
  /\baider\b/i,
  /devin-ai|cognition/i,
  /amazon q|codewhisperer/i,
  /windsurf|codeium/i,
  /tabnine/i,
]

const AI_TRAILER_KEYS = new Set(['ai-assisted', 'generated-by', 'assisted-by', 'ai-agent'])

export function isAiAssisted(trailers: Trailer[]) {
  return trailers.some(({ key, value }) => {
    const name = key.toLowerCase()
    if (AI_TRAILER_KEYS.has(name)) return !/^(no|false|none)$/i.test(value)
    if (name === 'co-authored-by') return AI_AGENT_PATTERNS.some((pattern) => pattern.test(value))
    return false
  })
}
