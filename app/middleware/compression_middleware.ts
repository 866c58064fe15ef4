import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { COMPRESSION_THRESHOLD_BYTES, compress, preferredEncoding } from '#services/compression'

const COMPRESSIBLE = /^(text\/html|application\/json|text\/csv|text\/plain)/

/**
 * Compresses HTML (and JSON, CSV, text) responses over 1 KB for clients
 * that accept brotli or gzip. Streams (server-sent events, file
 * downloads) are left alone: only a body held in memory is compressed.
 */
export default class CompressionMiddleware {
  async handle({ request, response }: HttpContext, next: NextFn) {
    await next()
    if (request.method() === 'HEAD') return
    const encoding = preferredEncoding(request.header('accept-encoding'))
    response.header('Vary', appendVary(response.getHeader('Vary'), 'Accept-Encoding'))
    if (!encoding || response.getHeader('Content-Encoding')) return
    const status = response.getStatus()
    if (status === 204 || status === 304) return
    const type = String(response.getHeader('Content-Type') ?? '')
    const body = response.getBody()
    if (typeof body !== 'string' || (type && !COMPRESSIBLE.test(type))) return
    const bytes = Buffer.from(body)
    if (bytes.length <= COMPRESSION_THRESHOLD_BYTES) return
    if (!type) response.header('Content-Type', 'text/html; charset=utf-8')
    response.header('Content-Encoding', encoding)
    response.send(await compress(bytes, encoding))
  }
}

function appendVary(current: unknown, field: string) {
  const fields = String(current ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean)
  if (!fields.some((value) => value.toLowerCase() === field.toLowerCase())) fields.push(field)
  return fields.join(', ')
}
