import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import edge from 'edge.js'
import { securityHeaders } from '#middleware/security_headers_middleware'
import type { Refusal } from '#exceptions/refusals'

/**
 * Answers written before a request has a context: a URL whose
 * percent-encoding is broken (the framework cannot build the request) and
 * headers over Node's limit (the request is never parsed). They look like
 * every other refusal: JSON for /api paths, the styled page otherwise,
 * with the same security headers.
 */
function isApiPath(url: string | undefined) {
  return /^\/api(\/|$|\?)/.test(url ?? '')
}

async function body(url: string | undefined, refusal: Refusal) {
  if (isApiPath(url)) {
    return {
      type: 'application/json; charset=utf-8',
      text: JSON.stringify({
        error: { code: refusal.code, message: refusal.message },
        errors: [{ message: refusal.message }],
      }),
    }
  }
  let text: string
  try {
    text = await edge.render('pages/errors/client_error', { refusal })
  } catch {
    text = `<!DOCTYPE html><title>${refusal.status}</title><p>${refusal.message}</p>`
  }
  return { type: 'text/html; charset=utf-8', text }
}

const BAD_URL: Refusal = {
  status: 400,
  code: 'E_BAD_URL',
  message: 'The address is malformed: its percent-encoding is not valid UTF-8.',
}

const HEADERS_TOO_LARGE: Refusal = {
  status: 431,
  code: 'E_HEADERS_TOO_LARGE',
  message: 'The request headers (or the address) are too long for this server.',
}

export async function answerBadUrl(request: IncomingMessage, response: ServerResponse) {
  const { type, text } = await body(request.url, BAD_URL)
  response.writeHead(400, { ...securityHeaders(), 'Content-Type': type })
  response.end(text)
}

/**
 * Node's "clientError": only oversized headers get a page; other parse
 * failures keep Node's own short 400, and the socket is closed.
 */
export async function answerClientError(error: Error & { code?: string }, socket: Socket) {
  if (!socket.writable) return
  if (error.code !== 'HPE_HEADER_OVERFLOW') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
    return
  }
  const raw = (error as { rawPacket?: Buffer }).rawPacket?.toString('latin1') ?? ''
  const url = /^[A-Z]+ (\S+)/.exec(raw)?.[1]
  const { type, text } = await body(url, HEADERS_TOO_LARGE)
  const headers = { ...securityHeaders(), 'Content-Type': type }
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n')
  socket.end(
    `HTTP/1.1 431 Request Header Fields Too Large\r\n${head}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`
  )
}
