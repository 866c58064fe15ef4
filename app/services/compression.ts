import { promisify } from 'node:util'
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib'

export type Encoding = 'br' | 'gzip'

/**
 * The encoding to answer with, from an Accept-Encoding header: brotli,
 * else gzip, else none. An encoding refused with q=0 is not used.
 */
export function preferredEncoding(header: string | null | undefined): Encoding | null {
  if (!header) return null
  const accepted = new Map<string, number>()
  for (const part of header.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';')
    const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)).find(Boolean)
    accepted.set(name.trim(), q ? Number(q[1]) : 1)
  }
  const weight = (name: string) => accepted.get(name) ?? accepted.get('*') ?? 0
  if (weight('br') > 0) return 'br'
  if (weight('gzip') > 0) return 'gzip'
  return null
}

const brotli = promisify(brotliCompress)
const gzipAsync = promisify(gzip)

/**
 * Compresses a page on the fly: brotli at a fast quality (pages are
 * rendered per request), gzip at its default.
 */
export function compress(body: Buffer, encoding: Encoding): Promise<Buffer> {
  if (encoding === 'br') {
    return brotli(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5 } })
  }
  return gzipAsync(body)
}

/** Pages smaller than this are sent as they are: compression would not pay. */
export const COMPRESSION_THRESHOLD_BYTES = 1024
