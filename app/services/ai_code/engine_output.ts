import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

/**
 * The analyzer's output (docs/ai_code.md): JSON Lines, one labelled
 * chunk per line. Blank lines are skipped; anything else must be a
 * chunk, or the whole import is refused naming the file, line and field.
 */
export type EngineChunk = {
  repository: string
  commit: string
  path: string
  startLine: number
  endLine: number
  language: string | null
  label: 'ai' | 'blended' | 'human'
  probability: number
  engine: string
  engineVersion: string
  /** the file's SHA-256 at that commit, when the analyzer gives it */
  sha256: string | null
}

export class EngineOutputError extends Error {}

const LABELS = new Set(['ai', 'blended', 'human'])

/** the .jsonl files a path names: the file itself, or a folder's, sorted */
export async function engineOutputFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => null)
  if (!info) throw new EngineOutputError(`${path}: no such file or folder`)
  if (info.isFile()) return [path]
  const entries = await readdir(path)
  const names = entries.filter((name) => /\.jsonl?$/.test(name)).sort()
  return names.map((name) => join(path, name))
}

/**
 * The chunks of the files, one at a time, read line by line: memory
 * holds one line, whatever the output's size. The first bad line throws.
 */
export async function* engineOutputChunks(files: string[]): AsyncGenerator<EngineChunk> {
  for (const file of files) {
    const lines = createInterface({
      input: createReadStream(file, { encoding: 'utf8' }),
      crlfDelay: Infinity,
    })
    let number = 0
    try {
      for await (const text of lines) {
        number += 1
        if (text.trim() === '') continue
        yield parseChunk(text, `${file}:${number}`)
      }
    } finally {
      lines.close()
    }
  }
}

function parseChunk(text: string, where: string): EngineChunk {
  let raw: Record<string, unknown>
  try {
    raw = JSON.parse(text)
  } catch {
    throw new EngineOutputError(`${where}: not a JSON object`)
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new EngineOutputError(`${where}: not a JSON object`)
  }
  const fail = (field: string, expected: string): never => {
    throw new EngineOutputError(`${where}: field "${field}" ${expected}`)
  }
  const stringField = (field: string, max: number) => {
    const value = raw[field]
    if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
      return fail(field, `must be a non-empty string of at most ${max} characters`)
    }
    return value
  }
  const line = (field: string) => {
    const value = raw[field]
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 10_000_000) {
      return fail(field, 'must be a line number (a whole number from 1)')
    }
    return value
  }
  const commit = stringField('commit', 64)
  if (!/^[0-9a-f]{7,64}$/i.test(commit)) fail('commit', 'must be a commit SHA (hex)')
  const startLine = line('start_line')
  const endLine = line('end_line')
  if (endLine < startLine) fail('end_line', 'must not be before start_line')
  const label = raw.label
  if (typeof label !== 'string' || !LABELS.has(label)) fail('label', 'must be ai, blended or human')
  const probability = raw.probability
  if (typeof probability !== 'number' || probability < 0 || probability > 1) {
    fail('probability', 'must be a number from 0 to 1')
  }
  const language = raw.language
  if (language !== undefined && language !== null && typeof language !== 'string') {
    fail('language', 'must be a string')
  }
  return {
    repository: stringField('repository', 255),
    commit: commit.toLowerCase(),
    path: stringField('path', 1024),
    startLine,
    endLine,
    language: typeof language === 'string' ? language.slice(0, 64) : null,
    label: label as EngineChunk['label'],
    probability: probability as number,
    engine: stringField('engine', 64),
    engineVersion: stringField('engine_version', 64),
    sha256: fileHash(raw.sha256, fail),
  }
}

function fileHash(value: unknown, fail: (field: string, expected: string) => never) {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string' || !/^[0-9a-f]{64}$/i.test(value)) {
    return fail('sha256', "must be the file's SHA-256 (64 hex digits)")
  }
  return value.toLowerCase()
}
