import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { MessageBuilder } from '@adonisjs/core/helpers'
import db from '@adonisjs/lucid/services/db'
import { setOutboundResolver, type ResolvedAddress } from '#services/http/outbound_dispatcher'

/**
 * What the outbound security tests share: listeners on loopback standing
 * for the internal services (or an attacker's host) a user-typed URL
 * must not reach, the operator's allow list set and restored around each
 * test, and a resolver that makes test host names resolve where a test
 * says.
 */

export type RecordedCall = { method: string; path: string; headers: IncomingHttpHeaders }

export type Listener = {
  /** http://127.0.0.1:<port> (or http://[::1]:<port>) */
  origin: string
  port: number
  calls: RecordedCall[]
  close(): Promise<void>
}

type Answer = { status: number; headers?: Record<string, string>; body?: string }

/** An OpenAI-style error whose text stands for what an internal service or provider would reveal. */
const LEAKED_TEXT = 'LEAK-MARKER db.internal:5432 password=hunter2'

export function leakyAnswer(status = 500): Answer {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ error: { message: LEAKED_TEXT, type: 'server_error' } }),
  }
}

/** an internal service that would happily answer like a chat model */
export const INTERNAL_REPLY = 'INTERNAL-SERVICE-DATA'

export function internalServiceAnswer(): Answer {
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id: 'internal',
      object: 'chat.completion',
      created: 0,
      model: 'internal',
      choices: [{ index: 0, message: { role: 'assistant', content: INTERNAL_REPLY } }],
    }),
  }
}

export async function listen(
  answer: (call: RecordedCall) => Answer,
  host = '127.0.0.1'
): Promise<Listener> {
  const calls: RecordedCall[] = []
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      const call = {
        method: request.method ?? 'GET',
        path: request.url ?? '/',
        headers: request.headers,
      }
      calls.push(call)
      const reply = answer(call)
      response.writeHead(reply.status, reply.headers ?? { 'content-type': 'application/json' })
      response.end(reply.body ?? '{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * Sets OUTBOUND_ALLOWED_HOSTS for one test and restores it (and the
 * system resolver) afterwards: use in group.each.setup.
 */
export function allowedHostsEachTest(value: string) {
  return () => {
    const saved = process.env.OUTBOUND_ALLOWED_HOSTS
    process.env.OUTBOUND_ALLOWED_HOSTS = value
    return () => {
      process.env.OUTBOUND_ALLOWED_HOSTS = saved
      setOutboundResolver(null)
    }
  }
}

/** runs `work` with another allow list (a model stored while the operator allowed its address) */
export async function whileAllowed<T>(value: string, work: () => Promise<T>): Promise<T> {
  const saved = process.env.OUTBOUND_ALLOWED_HOSTS
  process.env.OUTBOUND_ALLOWED_HOSTS = value
  try {
    return await work()
  } finally {
    process.env.OUTBOUND_ALLOWED_HOSTS = saved
  }
}

/** test host names resolve to the addresses given, and nothing else does */
export function resolveTestHosts(table: Record<string, string>) {
  setOutboundResolver(async (hostname): Promise<ResolvedAddress[]> => {
    const address = table[hostname]
    return address ? [{ address, family: address.includes(':') ? 6 : 4 }] : []
  })
}

/** makes the user's last password or code check 11 minutes old (the window is 10) */
export async function makeRecentAuthStale(userId: number) {
  const row = await db.from('sessions').where('user_id', String(userId)).firstOrFail()
  const data = new MessageBuilder().verify<Record<string, unknown>>(row.data, row.id)!
  data['auth.reauthAt'] = Date.now() - 11 * 60 * 1000
  await db
    .from('sessions')
    .where('id', row.id)
    .update({ data: new MessageBuilder().build(data, undefined, row.id) })
}
