import type { IncomingMessage } from 'node:http'

export type Answer = { status: number; body?: unknown; headers?: Record<string, string> }

export async function readBody(request: IncomingMessage) {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
