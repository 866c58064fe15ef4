/**
 * A Git AI authorship log (Git AI Standard v3.0.0), the note a coding
 * agent's Git AI integration attaches to a commit under refs/notes/ai:
 *
 *     src/engine.ts
 *       1612649c4bf0b88e 1-6,9
 *       h_dca485b1adf836 7-8
 *     ---
 *     {"schema_version":"authorship/3.0.0","base_commit_sha":"…",
 *      "prompts":{"1612649c4bf0b88e":{"agent_id":{"tool":"claude","id":"…","model":"…"},
 *      "human_author":"…","accepted_lines":6,"overriden_lines":0,"messages":[…]}},
 *      "humans":{"h_dca485b1adf836":{"author":"…"}}}
 *
 * The attestation section lists file paths, each followed by indented
 * entries `<key> <line ranges>`; a key is a prompt (session) hash, a
 * human (`h_…`) or a session/turn (`s_…::t_…`). Prompt transcripts
 * (`messages`) are never kept.
 */
export type AuthorshipEntry = { key: string; ranges: Array<[number, number]> }
export type AuthorshipLog = {
  files: Array<{ path: string; entries: AuthorshipEntry[] }>
  prompts: Record<
    string,
    {
      tool: string | null
      model: string | null
      humanAuthor: string | null
      acceptedLines: number | null
      overridenLines: number | null
    }
  >
}

export class AuthorshipLogError extends Error {}

export function parseAuthorshipLog(text: string): AuthorshipLog {
  const lines = text.replace(/\r\n/g, '\n').split('\n')
  const divider = lines.findIndex((line) => line.trim() === '---')
  if (divider === -1) throw new AuthorshipLogError('no "---" divider before the metadata')
  const files: AuthorshipLog['files'] = []
  for (const [index, line] of lines.slice(0, divider).entries()) {
    if (line.trim() === '') continue
    if (!/^\s/.test(line)) {
      files.push({ path: line.trim().replace(/^"(.*)"$/, '$1'), entries: [] })
      continue
    }
    const match = /^\s+(\S+)\s+(\S+)\s*$/.exec(line)
    const file = files.at(-1)
    if (!match || !file) throw new AuthorshipLogError(`line ${index + 1}: not "<key> <ranges>"`)
    file.entries.push({ key: match[1], ranges: parseRanges(match[2], index + 1) })
  }
  let metadata: any
  try {
    metadata = JSON.parse(lines.slice(divider + 1).join('\n'))
  } catch {
    throw new AuthorshipLogError('the metadata after "---" is not JSON')
  }
  const version = String(metadata?.schema_version ?? '')
  if (!version.startsWith('authorship/3.')) {
    throw new AuthorshipLogError(`schema_version "${version}" is not authorship/3.x`)
  }
  const prompts: AuthorshipLog['prompts'] = {}
  for (const [key, prompt] of Object.entries<any>(metadata.prompts ?? {})) {
    const label = (value: unknown) => (typeof value === 'string' ? value.slice(0, 128) : null)
    const count = (value: unknown) => (typeof value === 'number' ? value : null)
    prompts[key] = {
      tool: label(prompt?.agent_id?.tool),
      model: label(prompt?.agent_id?.model),
      humanAuthor: label(prompt?.human_author),
      acceptedLines: count(prompt?.accepted_lines),
      overridenLines: count(prompt?.overriden_lines),
    }
  }
  return { files, prompts }
}

function parseRanges(text: string, line: number): Array<[number, number]> {
  return text.split(',').map((part) => {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part)
    if (!match) throw new AuthorshipLogError(`line ${line}: "${part}" is not a line range`)
    const start = Number(match[1])
    const end = Number(match[2] ?? match[1])
    if (start < 1 || end < start)
      throw new AuthorshipLogError(`line ${line}: "${part}" is not a line range`)
    return [start, end]
  })
}
