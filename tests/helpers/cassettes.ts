import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AddressInfo, Socket } from 'node:net'

/**
 * Recorded and replayed HTTP for outbound calls in tests (the old
 * system's VCR cassettes): a real loopback server stands where the
 * provider would be. In replay mode (the default) it answers each
 * request with the recorded response of the interaction whose method,
 * path and canonical body (JSON with sorted keys) match; a request that
 * matches none is answered 599 and `eject()` fails the test with a diff
 * of the expected request against the one sent. With CASSETTE_RECORD=1
 * it forwards every request to an upstream (CASSETTE_UPSTREAM, else the
 * test's own fake) and `eject()` writes the cassette as JSON under
 * tests/cassettes/ (or CASSETTE_DIR). Headers are neither matched nor recorded: an API key
 * never lands in a committed file. Re-recording: docs/testing.md.
 */

export const CASSETTES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'cassettes')

/**
 * Where cassettes are read and written: tests/cassettes/, or CASSETTE_DIR
 * when set (a recording to compare before it replaces the committed one;
 * the record-mode test records there so it never touches a committed file).
 */
export function cassettesDir() {
  return process.env.CASSETTE_DIR || CASSETTES_DIR
}

export type CassetteRequest = { method: string; path: string; body: unknown }
export type CassetteResponse = { status: number; contentType: string; body: unknown }
export type Interaction = { request: CassetteRequest; response: CassetteResponse }
export type CassetteFile = { recordedAgainst: string; interactions: Interaction[] }

export type Cassette = {
  /** the base URL to configure instead of the provider's (ends in basePath, /v1 by default) */
  baseUrl: string
  recording: boolean
  /** requests no recorded interaction matched, with their diffs */
  mismatches: string[]
  /**
   * Stops the server. Replay: throws when a request matched nothing or a
   * recorded interaction was never asked for. Record: writes the cassette.
   */
  eject(): Promise<void>
}

export class CassetteMismatch extends Error {
  name = 'CassetteMismatch'
}

/** JSON with its object keys sorted, two-space indented: the form requests are compared in */
export function canonical(body: unknown): string {
  const sort = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sort)
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value as object)
          .sort()
          .map((key) => [key, sort((value as Record<string, unknown>)[key])])
      )
    }
    return value
  }
  return JSON.stringify(sort(body), null, 2)
}

/** the request as compared and shown: a prompt's lines on lines of their own, so a diff points at the line */
function requestText(request: CassetteRequest) {
  const body = canonical(request.body).replaceAll('\\n', '\\n\n    ')
  return `${request.method} ${request.path}\n${body}`
}

/** a line diff (longest common subsequence): "- " recorded, "+ " sent, "  " both */
export function lineDiff(expected: string, actual: string): string {
  const a = expected.split('\n')
  const b = actual.split('\n')
  const lengths = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0)
  )
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i][j] =
        a[i] === b[j] ? lengths[i + 1][j + 1] + 1 : Math.max(lengths[i + 1][j], lengths[i][j + 1])
    }
  }
  const lines: string[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push(`  ${a[i++]}`)
      j++
    } else if (i < a.length && (j === b.length || lengths[i + 1][j] >= lengths[i][j + 1])) {
      lines.push(`- ${a[i++]}`)
    } else {
      lines.push(`+ ${b[j++]}`)
    }
  }
  return lines.join('\n')
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  const text = raw.toString('utf8')
  if (contentType?.includes('json') && text) {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return text
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

function send(response: ServerResponse, answer: CassetteResponse) {
  response.writeHead(answer.status, { 'content-type': answer.contentType })
  response.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body))
}

function cassettePath(name: string) {
  return join(cassettesDir(), `${name}.json`)
}

function loadCassette(name: string): CassetteFile {
  const path = cassettePath(name)
  if (!existsSync(path)) {
    throw new CassetteMismatch(
      `No cassette ${path}: record it with CASSETTE_RECORD=1 (docs/testing.md, "Recorded model calls")`
    )
  }
  return JSON.parse(readFileSync(path, 'utf8')) as CassetteFile
}

/**
 * Starts the cassette `name` (tests/cassettes/<name>.json). `upstream`
 * is where record mode forwards when CASSETTE_UPSTREAM is not set (the
 * test's fake provider); CASSETTE_UPSTREAM_KEY is sent upstream as a
 * bearer token and CASSETTE_UPSTREAM_MODEL replaces the body's `model`
 * on the way up only, so a cassette recorded against a real provider
 * still matches the test's requests.
 */
export async function useCassette(
  name: string,
  options: { upstream?: string; basePath?: string } = {}
): Promise<Cassette> {
  const basePath = options.basePath ?? '/v1'
  const recording = process.env.CASSETTE_RECORD === '1'
  const upstream = process.env.CASSETTE_UPSTREAM ?? options.upstream
  if (recording && !upstream) {
    throw new CassetteMismatch(
      `Recording ${name} needs CASSETTE_UPSTREAM (a model server's base URL)`
    )
  }
  const recorded = recording ? [] : loadCassette(name).interactions
  const used = new Set<number>()
  const written: Interaction[] = []
  const mismatches: string[] = []
  const sockets = new Set<Socket>()

  const replay = (request: CassetteRequest): CassetteResponse => {
    const wanted = requestText(request)
    const index = recorded.findIndex(
      (interaction, at) => !used.has(at) && requestText(interaction.request) === wanted
    )
    if (index >= 0) {
      used.add(index)
      return recorded[index].response
    }
    // the diff is against the next interaction not yet played, the one this request stands for
    const next = recorded.find((_, at) => !used.has(at))
    mismatches.push(
      next
        ? `${request.method} ${request.path} matches no recorded request of ${name}; recorded (-) against sent (+):\n${lineDiff(requestText(next.request), wanted)}`
        : `${request.method} ${request.path} was not recorded in ${name} (every recorded request was already played):\n${wanted}`
    )
    return {
      status: 599,
      contentType: 'application/json',
      body: { error: { message: `cassette ${name}: request not recorded` } },
    }
  }

  const record = async (request: CassetteRequest): Promise<CassetteResponse> => {
    const body =
      process.env.CASSETTE_UPSTREAM_MODEL && request.body && typeof request.body === 'object'
        ? { ...(request.body as object), model: process.env.CASSETTE_UPSTREAM_MODEL }
        : request.body
    const key = process.env.CASSETTE_UPSTREAM_KEY
    const answer = await fetch(
      `${upstream!.replace(/\/$/, '')}${request.path.slice(basePath.length)}`,
      {
        method: request.method,
        headers: {
          ...(body === '' ? {} : { 'content-type': 'application/json' }),
          ...(key ? { authorization: `Bearer ${key}` } : {}),
        },
        body: request.method === 'GET' || body === '' ? undefined : JSON.stringify(body),
      }
    )
    const contentType = answer.headers.get('content-type') ?? 'application/json'
    const response = {
      status: answer.status,
      contentType,
      body: parseBody(Buffer.from(await answer.arrayBuffer()), contentType),
    }
    written.push({ request, response })
    return response
  }

  const server = createServer(async (incoming, response) => {
    const raw = await readBody(incoming)
    const request: CassetteRequest = {
      method: incoming.method ?? 'GET',
      path: new URL(incoming.url ?? '/', 'http://cassette.local').pathname,
      body: parseBody(raw, incoming.headers['content-type']),
    }
    try {
      send(response, recording ? await record(request) : replay(request))
    } catch (error) {
      mismatches.push(`${request.method} ${request.path}: ${(error as Error).message}`)
      send(response, { status: 599, contentType: 'text/plain', body: 'cassette error' })
    }
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port

  return {
    baseUrl: `http://127.0.0.1:${port}${basePath}`,
    recording,
    mismatches,
    async eject() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      if (mismatches.length > 0) {
        throw new CassetteMismatch(
          `Cassette ${name}: ${mismatches.join('\n\n')}\n\nIf the change is meant, re-record: CASSETTE_RECORD=1 (docs/testing.md, "Recorded model calls")`
        )
      }
      if (recording) {
        mkdirSync(dirname(cassettePath(name)), { recursive: true })
        const file: CassetteFile = {
          recordedAgainst: process.env.CASSETTE_UPSTREAM ? 'CASSETTE_UPSTREAM' : 'the test fake',
          interactions: written,
        }
        writeFileSync(cassettePath(name), `${JSON.stringify(file, null, 2)}\n`)
        return
      }
      const unplayed = recorded.filter((_, at) => !used.has(at))
      if (unplayed.length > 0) {
        throw new CassetteMismatch(
          `Cassette ${name}: ${unplayed.length} recorded request(s) were never sent:\n${unplayed.map((entry) => requestText(entry.request)).join('\n\n')}`
        )
      }
    },
  }
}
