import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createHash } from 'node:crypto'
import type { AddressInfo, Socket } from 'node:net'

/**
 * An OpenAI-compatible provider on 127.0.0.1 for the assistant's tests:
 * chat completions (JSON, or SSE chunks with `stream: true`), audio
 * transcriptions (multipart), embeddings and the model list. It records
 * every request, so tests can check what the assistant sent (image parts,
 * the WAV it uploaded), and can be told to fail or hang.
 */

export type FakeModelMode = 'ok' | 'error' | 'hang'
export type FakeEndpoint = 'chat' | 'transcription' | 'embeddings' | 'models'

export type RecordedUpload = { fieldName: string; fileName: string; type: string; bytes: Buffer }

export type RecordedRequest = {
  endpoint: FakeEndpoint | 'unknown'
  method: string
  path: string
  headers: Record<string, string | string[] | undefined>
  /** the JSON body, or the multipart text fields */
  body: any
  /** multipart files (the transcription upload) */
  files: RecordedUpload[]
}

export type ChatReplier = (body: any) => string | undefined

export type FakeModelServer = {
  /** ends in /v1, as an OpenAI-compatible base URL does */
  baseUrl: string
  requests: RecordedRequest[]
  /** fail (500) or hang on every endpoint, or on one */
  setMode(mode: FakeModelMode, endpoint?: FakeEndpoint): void
  /** what chat completions answer; undefined falls back to the default reply */
  setChatReply(replier: ChatReplier | string | null): void
  /** what transcriptions answer */
  setTranscript(text: string): void
  /** the recorded requests to one endpoint */
  requestsTo(endpoint: FakeEndpoint): RecordedRequest[]
  reset(): void
  close(): Promise<void>
}

export const EMBEDDING_DIMENSIONS = 64
export const DEFAULT_TRANSCRIPT = 'What is the capital of France?'

/** the text of a chat message's content, whether a string or content parts */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) {
    return content
      .filter((part) => part?.type === 'text')
      .map((part) => String(part.text))
      .join('\n')
  }
  return ''
}

/** the default answer: says what it was asked, so tests can follow the conversation */
export function defaultChatReply(body: any): string {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : []
  const lastUser = [...messages].reverse().find((message) => message?.role === 'user')
  return `You asked: ${contentText(lastUser?.content)}`
}

/**
 * Deterministic embeddings: a hashed bag of lower-cased words,
 * normalised, so texts sharing words are close and unrelated texts are
 * nearly orthogonal.
 */
export function fakeEmbedding(text: string): number[] {
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0)
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    const digest = createHash('sha256').update(word).digest()
    vector[digest[0] % EMBEDDING_DIMENSIONS] += digest[1] % 2 === 0 ? 1 : -1
  }
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0)) || 1
  return vector.map((value) => value / norm)
}

function endpointOf(path: string): FakeEndpoint | 'unknown' {
  if (path.endsWith('/chat/completions')) return 'chat'
  if (path.endsWith('/audio/transcriptions')) return 'transcription'
  if (path.endsWith('/embeddings')) return 'embeddings'
  if (path.endsWith('/models')) return 'models'
  return 'unknown'
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** multipart parsing through the platform's own Request, as a provider would see it */
async function parseMultipart(request: IncomingMessage, raw: Buffer) {
  const form = await new Request('http://fake.local/', {
    method: 'POST',
    headers: { 'content-type': String(request.headers['content-type']) },
    body: raw,
  }).formData()
  const fields: Record<string, string> = {}
  const files: RecordedUpload[] = []
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') fields[name] = value
    else {
      files.push({
        fieldName: name,
        fileName: value.name,
        type: value.type,
        bytes: Buffer.from(await value.arrayBuffer()),
      })
    }
  }
  return { fields, files }
}

function sendJson(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' })
  response.end(JSON.stringify(body))
}

export async function startFakeModelServer(): Promise<FakeModelServer> {
  const modes = new Map<FakeEndpoint | '*', FakeModelMode>()
  let chatReplier: ChatReplier | null = null
  let transcript = DEFAULT_TRANSCRIPT
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  const hanging = new Set<ServerResponse>()

  const modeFor = (endpoint: FakeEndpoint | 'unknown') =>
    (endpoint !== 'unknown' ? modes.get(endpoint) : undefined) ?? modes.get('*') ?? 'ok'

  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://fake.local').pathname
    const endpoint = endpointOf(path)
    const raw = await readBody(request)
    const multipart = String(request.headers['content-type'] ?? '').startsWith('multipart/')
    let body: any = null
    let files: RecordedUpload[] = []
    if (multipart) {
      const parsed = await parseMultipart(request, raw)
      body = parsed.fields
      files = parsed.files
    } else if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'))
      } catch {
        body = raw.toString('utf8')
      }
    }
    requests.push({
      endpoint,
      method: request.method ?? 'GET',
      path,
      headers: request.headers,
      body,
      files,
    })

    const mode = modeFor(endpoint)
    if (mode === 'hang') {
      hanging.add(response)
      return
    }
    if (mode === 'error') {
      return sendJson(response, 500, {
        error: { message: 'The fake provider is failing on purpose', type: 'server_error' },
      })
    }
    switch (endpoint) {
      case 'chat':
        return answerChat(response, body)
      case 'transcription':
        return sendJson(response, 200, { text: transcript })
      case 'embeddings': {
        const inputs: string[] = [body?.input ?? []].flat().map(String)
        return sendJson(response, 200, {
          object: 'list',
          model: body?.model ?? 'fake-embeddings',
          data: inputs.map((input, index) => ({
            object: 'embedding',
            index,
            embedding: fakeEmbedding(input),
          })),
          usage: { prompt_tokens: 0, total_tokens: 0 },
        })
      }
      case 'models':
        return sendJson(response, 200, {
          object: 'list',
          data: [{ id: 'fake-chat', object: 'model', created: 0, owned_by: 'fake' }],
        })
      default:
        return sendJson(response, 404, { error: { message: `No route ${path}` } })
    }
  })

  function answerChat(response: ServerResponse, body: any) {
    const reply = (chatReplier ? chatReplier(body) : undefined) ?? defaultChatReply(body)
    const id = `chatcmpl-${requests.length}`
    const model = body?.model ?? 'fake-chat'
    if (!body?.stream) {
      return sendJson(response, 200, {
        id,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [
          { index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      })
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    const chunk = (delta: Record<string, string>, finish: string | null) =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [{ index: 0, delta, finish_reason: finish }],
      })}\n\n`
    response.write(chunk({ role: 'assistant', content: '' }, null))
    for (const piece of reply.match(/\S+\s*/g) ?? [])
      response.write(chunk({ content: piece }, null))
    response.write(chunk({}, 'stop'))
    response.end('data: [DONE]\n\n')
  }

  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    setMode(mode, endpoint) {
      modes.set(endpoint ?? '*', mode)
      if (mode !== 'hang') {
        for (const response of hanging) response.destroy()
        hanging.clear()
      }
    },
    setChatReply(replier) {
      chatReplier = typeof replier === 'string' ? () => replier : replier
    },
    setTranscript(text) {
      transcript = text
    },
    requestsTo(endpoint) {
      return requests.filter((request) => request.endpoint === endpoint)
    },
    reset() {
      requests.length = 0
      modes.clear()
      chatReplier = null
      transcript = DEFAULT_TRANSCRIPT
      for (const response of hanging) response.destroy()
      hanging.clear()
    },
    async close() {
      for (const response of hanging) response.destroy()
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
